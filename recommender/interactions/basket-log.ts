// Interactions folded into baskets in one pass, whatever the order of the input: ids become
// numbers as they are first seen, each row is appended to a spill file on disk (8 bytes), and the
// baskets are laid out from it at the end with a counting sort by session. Memory grows with the
// distinct sessions, items and customers and with the 4 bytes a basket line takes in the result,
// never with an object per row, so a log of tens of millions of rows fits.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Basket, Interaction } from './interaction.ts';

/** Baskets in compressed-row form: basket b holds members[offsets[b] .. offsets[b + 1]). */
export interface Baskets {
  /** Item ids by number. */
  items: string[];
  /** Customer ids by number. */
  users: string[];
  /** Length count + 1. */
  offsets: Int32Array;
  /** Item numbers, distinct within a basket, in first-seen order. */
  members: Int32Array;
  /** Customer number per basket, -1 for guests. */
  user: Int32Array;
  /** Time of each basket's first interaction (ms since the epoch). */
  time: Float64Array;
  count: number;
  /** Interactions folded in (after the cutoff filter). */
  interactions: number;
}

const SPILL_ROWS = 1 << 16;

class Interner {
  readonly names: string[] = [];
  readonly #index = new Map<string, number>();
  number(name: string): number {
    let n = this.#index.get(name);
    if (n === undefined) {
      n = this.names.length;
      this.#index.set(name, n);
      this.names.push(name);
    }
    return n;
  }
}

export class BasketCollector {
  readonly #items = new Interner();
  readonly #users = new Interner();
  readonly #sessions = new Map<string, number>();
  // Per session; plain arrays of numbers stay packed (8 bytes an entry).
  readonly #rowsPer: number[] = [];
  readonly #timeOf: number[] = [];
  readonly #userOf: number[] = [];
  readonly #spillPath: string;
  readonly #fd: number;
  readonly #buffer = new Int32Array(SPILL_ROWS * 2);
  #buffered = 0;
  #rows = 0;
  /** Interactions at or after the cutoff, left out. */
  afterCutoff = 0;

  constructor(readonly cutoff?: number) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shopsearch-baskets-'));
    this.#spillPath = path.join(dir, 'rows.i32');
    this.#fd = fs.openSync(this.#spillPath, 'w+');
  }

  add(x: Interaction): void {
    if (this.cutoff !== undefined && x.time >= this.cutoff) {
      this.afterCutoff++;
      return;
    }
    let s = this.#sessions.get(x.session);
    if (s === undefined) {
      s = this.#rowsPer.length;
      this.#sessions.set(x.session, s);
      this.#rowsPer.push(0);
      this.#timeOf.push(x.time);
      this.#userOf.push(-1);
    }
    this.#rowsPer[s]!++;
    if (x.time < this.#timeOf[s]!) this.#timeOf[s] = x.time;
    if (x.user !== undefined && this.#userOf[s] === -1) this.#userOf[s] = this.#users.number(x.user);
    this.#buffer[this.#buffered * 2] = s;
    this.#buffer[this.#buffered * 2 + 1] = this.#items.number(x.item);
    this.#rows++;
    if (++this.#buffered === SPILL_ROWS) this.#flush();
  }

  #flush(): void {
    fs.writeSync(this.#fd, this.#buffer, 0, this.#buffered * 8);
    this.#buffered = 0;
  }

  /** Lays the baskets out and removes the spill file; the collector is spent afterwards. */
  finish(): Baskets {
    this.#flush();
    const count = this.#rowsPer.length;
    const offsets = new Int32Array(count + 1);
    for (let s = 0; s < count; s++) offsets[s + 1] = offsets[s]! + this.#rowsPer[s]!;
    const members = new Int32Array(this.#rows);
    const fill = offsets.slice(0, count);
    const chunk = new Int32Array(SPILL_ROWS * 2);
    try {
      for (let pos = 0; ; ) {
        const bytes = fs.readSync(this.#fd, chunk, 0, chunk.byteLength, pos);
        if (bytes === 0) break;
        pos += bytes;
        for (let r = 0; r < bytes / 8; r++) members[fill[chunk[r * 2]!]!++] = chunk[r * 2 + 1]!;
      }
    } finally {
      fs.closeSync(this.#fd);
      fs.rmSync(path.dirname(this.#spillPath), { recursive: true, force: true });
    }
    const deduped = dedupe(offsets, members, this.#items.names.length);
    this.#sessions.clear();
    return {
      items: this.#items.names,
      users: this.#users.names,
      ...deduped,
      user: Int32Array.from(this.#userOf),
      time: Float64Array.from(this.#timeOf),
      count,
      interactions: this.#rows,
    };
  }
}

/** Drops repeated items within each basket, keeping first sightings, in place. */
function dedupe(offsets: Int32Array, members: Int32Array, items: number): { offsets: Int32Array; members: Int32Array } {
  const lastBasket = new Int32Array(items).fill(-1);
  let write = 0;
  let start = 0;
  for (let b = 0; b < offsets.length - 1; b++) {
    const end = offsets[b + 1]!;
    for (let i = start; i < end; i++) {
      const item = members[i]!;
      if (lastBasket[item] === b) continue;
      lastBasket[item] = b;
      members[write++] = item;
    }
    start = end;
    offsets[b + 1] = write;
  }
  return { offsets, members: members.slice(0, write) };
}

/** Folds a stream (or list) of interactions into baskets, leaving out those at or after `cutoff`. */
export async function collectBaskets(
  interactions: Iterable<Interaction> | AsyncIterable<Interaction>,
  cutoff?: number,
  onInteraction: () => void = () => {},
): Promise<Baskets> {
  const collector = new BasketCollector(cutoff);
  // A list is walked without an await per row.
  if (Symbol.iterator in interactions)
    for (const x of interactions) {
      collector.add(x);
      onInteraction();
    }
  else
    for await (const x of interactions) {
      collector.add(x);
      onInteraction();
    }
  return collector.finish();
}

/** The same baskets from already grouped ones (the eval runner and tests hold Basket objects). */
export function compactBaskets(list: readonly Basket[]): Baskets {
  const collector = new BasketCollector();
  for (const b of list)
    for (const item of b.items) collector.add({ user: b.user, session: b.id, item, kind: 'purchase', time: b.time });
  return collector.finish();
}

/** Basket b's item numbers. */
export const basketItems = (b: Baskets, basket: number): Int32Array =>
  b.members.subarray(b.offsets[basket]!, b.offsets[basket + 1]!);

/** Each customer's basket numbers, oldest first: customer u's are baskets[offsets[u] .. offsets[u + 1]). */
export interface CustomerBaskets {
  offsets: Int32Array;
  baskets: Int32Array;
}

export function customerBaskets(b: Baskets): CustomerBaskets {
  const users = b.users.length;
  const offsets = new Int32Array(users + 1);
  for (let k = 0; k < b.count; k++) if (b.user[k]! >= 0) offsets[b.user[k]! + 1]!++;
  for (let u = 0; u < users; u++) offsets[u + 1]! += offsets[u]!;
  const baskets = new Int32Array(offsets[users]!);
  const fill = offsets.slice(0, users);
  for (let k = 0; k < b.count; k++) if (b.user[k]! >= 0) baskets[fill[b.user[k]!]!++] = k;
  // The log is in arrival order, usually already by time; a customer's ties keep that order.
  for (let u = 0; u < users; u++) {
    const mine = baskets.subarray(offsets[u]!, offsets[u + 1]!);
    let sorted = true;
    for (let i = 1; i < mine.length && sorted; i++) sorted = b.time[mine[i - 1]!]! <= b.time[mine[i]!]!;
    if (!sorted) mine.set(Array.from(mine).sort((x, y) => b.time[x]! - b.time[y]! || x - y));
  }
  return { offsets, baskets };
}
