// Many short strings as one: the characters end to end in a single string and where each ends. A
// million phrases cost one string header instead of a million, and the whole list crosses from the
// compiling worker thread as one copy; `at(i)` slices on demand (V8 slices without copying).

export interface StringList {
  readonly length: number;
  at(i: number): string | undefined;
}

export interface Packed {
  text: string;
  ends: Int32Array;
}

export function pack(xs: readonly string[]): Packed {
  const ends = new Int32Array(xs.length);
  let end = 0;
  xs.forEach((x, i) => {
    end += x.length;
    ends[i] = end;
  });
  return { text: xs.join(''), ends };
}

export class PackedStrings implements StringList {
  readonly length: number;
  constructor(private readonly packed: Packed) {
    this.length = packed.ends.length;
  }
  at(i: number): string | undefined {
    if (i < 0 || i >= this.length) return undefined;
    return this.packed.text.slice(i === 0 ? 0 : this.packed.ends[i - 1]!, this.packed.ends[i]!);
  }
  get bytes(): number {
    return 2 * this.packed.text.length + this.packed.ends.byteLength;
  }
}
