// Many ranked lists of one maximum length, kept in flat typed arrays: a million items' 50-long
// lists are 400 MB here, where a Map of [id, score] arrays holds an object per entry and takes
// several times that. Reads look like a ReadonlyMap<string, Scored[]>, so callers that want a
// Map (the eval runner, publish, tests) take this one unchanged.
import { round, type Scored } from './ranked-list.ts';

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
export function toListTable(lists: ReadonlyMap<string, readonly (readonly [string, number])[]>): ListTable {
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
