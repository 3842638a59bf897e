// Many ranked lists of one maximum length, kept in flat typed arrays: a million items' 50-long
// lists are 400 MB here, where a Map of [id, score] arrays holds an object per entry and takes
// several times that. Reads look like a ReadonlyMap<string, Scored[]>, so callers that want a
// Map (the eval runner, publish, tests) take this one unchanged.
import { round, type ExplainedScored, type Scored } from './ranked-list.ts';

/** keys, values, forEach and iteration of a read-only map, from its entries. */
export abstract class ReadonlyMapBase<V> implements ReadonlyMap<string, V> {
  abstract get(key: string): V | undefined;
  abstract has(key: string): boolean;
  abstract get size(): number;
  abstract entries(): MapIterator<[string, V]>;

  *keys(): MapIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  forEach(f: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    for (const [k, v] of this.entries()) f(v, k, this);
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }
}

/** A read-only map from the four functions that define it. */
export function mapView<V>(source: {
  get(key: string): V | undefined;
  has(key: string): boolean;
  size(): number;
  entries(): Iterable<[string, V]>;
}): ReadonlyMap<string, V> {
  return new (class extends ReadonlyMapBase<V> {
    get = source.get;
    has = source.has;
    get size() {
      return source.size();
    }
    *entries(): MapIterator<[string, V]> {
      yield* source.entries();
    }
  })();
}

export class ListTable extends ReadonlyMapBase<Scored[]> {
  readonly ids: Int32Array;
  readonly scores: Float32Array;
  readonly lengths: Uint16Array;
  #index: Map<string, number> | undefined;

  /**
   * @param rowKeys the row keys (item or customer ids), row r for rowKeys[r]
   * @param names what a list entry's number stands for (the item ids)
   * @param width the longest list
   */
  constructor(
    readonly rowKeys: readonly string[],
    readonly names: readonly string[],
    readonly width: number,
    arrays?: { ids: Int32Array; scores: Float32Array; lengths: Uint16Array },
  ) {
    super();
    this.ids = arrays?.ids ?? new Int32Array(rowKeys.length * width);
    this.scores = arrays?.scores ?? new Float32Array(rowKeys.length * width);
    this.lengths = arrays?.lengths ?? new Uint16Array(rowKeys.length);
  }

  /** Stores row r's list (entry numbers and scores, best first), cut to the width. */
  setRow(row: number, ids: ArrayLike<number>, scores: ArrayLike<number>, length = ids.length): void {
    const n = Math.min(length, this.width);
    const at = row * this.width;
    for (let i = 0; i < n; i++) {
      this.ids[at + i] = ids[i]!;
      this.scores[at + i] = scores[i]!;
    }
    this.lengths[row] = n;
  }

  /** Row r's entry numbers. */
  rowIds(r: number): Int32Array {
    return this.ids.subarray(r * this.width, r * this.width + this.lengths[r]!);
  }

  /** Row r's list as [id, score] pairs. */
  row(r: number): Scored[] {
    const out: Scored[] = [];
    const at = r * this.width;
    for (let i = 0; i < this.lengths[r]!; i++) out.push([this.names[this.ids[at + i]!]!, round(this.scores[at + i]!)]);
    return out;
  }

  rowOf(key: string): number | undefined {
    this.#index ??= new Map(this.rowKeys.map((k, r) => [k, r]));
    return this.#index.get(key);
  }

  get size(): number {
    let n = 0;
    for (const l of this.lengths) if (l > 0) n++;
    return n;
  }

  get(key: string): Scored[] | undefined {
    const r = this.rowOf(key);
    return r === undefined || this.lengths[r] === 0 ? undefined : this.row(r);
  }

  has(key: string): boolean {
    const r = this.rowOf(key);
    return r !== undefined && this.lengths[r]! > 0;
  }

  *entries(): MapIterator<[string, Scored[]]> {
    for (let r = 0; r < this.rowKeys.length; r++) if (this.lengths[r]! > 0) yield [this.rowKeys[r]!, this.row(r)];
  }
}

/** A table's lists as bare ids (customers' recent items). */
export function idsOnly(table: ListTable): ReadonlyMap<string, string[]> {
  const ids = (list: Scored[] | undefined) => list?.map(([id]) => id);
  return mapView({
    get: (key) => ids(table.get(key)),
    has: (key) => table.has(key),
    size: () => table.size,
    entries: function* () {
      for (const [k, v] of table.entries()) yield [k, ids(v)!];
    },
  });
}

/** Any map of ranked lists as a table (numbering the ids it meets), e.g. to save it. */
export function toListTable(
  lists: ReadonlyMap<string, readonly (readonly [string, number, ...unknown[]])[]>,
): ListTable {
  if (lists instanceof ListTable) return lists;
  const keys: string[] = [];
  let width = 1;
  for (const [key, list] of lists) {
    keys.push(key);
    width = Math.max(width, list.length);
  }
  const names: string[] = [];
  const number = new Map<string, number>();
  const table = new ListTable(keys, names, width);
  let r = 0;
  for (const [, list] of lists) {
    const ids = list.map(([id]) => {
      let n = number.get(id);
      if (n === undefined) number.set(id, (n = names.push(id) - 1));
      return n;
    });
    table.setRow(
      r++,
      ids,
      list.map(([, s]) => s),
    );
  }
  return table;
}

/** Signals of one entry, packed 4 bits each (signal number + 1), strongest in the low bits. */
const SIGNAL_BITS = 4;
const MAX_SIGNALS = 32 / SIGNAL_BITS;

export function packSignals(signals: readonly number[]): number {
  let packed = 0;
  for (let i = Math.min(signals.length, MAX_SIGNALS) - 1; i >= 0; i--)
    packed = packed * (1 << SIGNAL_BITS) + signals[i]! + 1;
  return packed;
}

export function unpackSignals(packed: number, names: readonly string[]): string[] {
  const out: string[] = [];
  for (let p = packed; p > 0; p = Math.floor(p / (1 << SIGNAL_BITS))) out.push(names[(p % (1 << SIGNAL_BITS)) - 1]!);
  return out;
}

/**
 * Ranked lists whose entries also name the signals that put them there (customers' personalized
 * lists): a list table plus one packed word per entry, so explanations cost 4 bytes an entry, not
 * an array of strings each.
 */
export class ExplainedTable extends ReadonlyMapBase<ExplainedScored[]> {
  readonly signals: Uint32Array;

  constructor(
    readonly lists: ListTable,
    /** What a signal number stands for (at most 15). */
    readonly signalNames: readonly string[],
    signals?: Uint32Array,
  ) {
    super();
    if (signalNames.length >= 1 << SIGNAL_BITS) throw new Error(`at most ${(1 << SIGNAL_BITS) - 1} signal names`);
    this.signals = signals ?? new Uint32Array(lists.ids.length);
  }

  /** Stores row r's list and, per entry, its signals packed by `packSignals`. */
  setRow(
    row: number,
    ids: ArrayLike<number>,
    scores: ArrayLike<number>,
    signals: ArrayLike<number>,
    length = ids.length,
  ) {
    this.lists.setRow(row, ids, scores, length);
    const at = row * this.lists.width;
    for (let i = 0; i < this.lists.lengths[row]!; i++) this.signals[at + i] = signals[i]!;
  }

  row(r: number): ExplainedScored[] {
    const at = r * this.lists.width;
    return this.lists
      .row(r)
      .map(([id, score], i) => [id, score, unpackSignals(this.signals[at + i]!, this.signalNames)]);
  }

  get size(): number {
    return this.lists.size;
  }

  get(key: string): ExplainedScored[] | undefined {
    const r = this.lists.rowOf(key);
    return r === undefined || this.lists.lengths[r] === 0 ? undefined : this.row(r);
  }

  has(key: string): boolean {
    return this.lists.has(key);
  }

  *entries(): MapIterator<[string, ExplainedScored[]]> {
    const t = this.lists;
    for (let r = 0; r < t.rowKeys.length; r++) if (t.lengths[r]! > 0) yield [t.rowKeys[r]!, this.row(r)];
  }
}

/** Any map of explained lists as an explained table, e.g. to save it. */
export function toExplainedTable(lists: ReadonlyMap<string, readonly ExplainedScored[]>): ExplainedTable {
  if (lists instanceof ExplainedTable) return lists;
  const names: string[] = [];
  const number = new Map<string, number>();
  const numbered = (signal: string) => {
    let n = number.get(signal);
    if (n === undefined) number.set(signal, (n = names.push(signal) - 1));
    return n;
  };
  const table = toListTable(lists);
  const packed = new Uint32Array(table.ids.length);
  let r = 0;
  for (const [, list] of lists) {
    list.forEach(([, , signals], i) => (packed[r * table.width + i] = packSignals(signals.map(numbered))));
    r++;
  }
  return new ExplainedTable(table, names, packed);
}
