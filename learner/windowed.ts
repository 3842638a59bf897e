// A map whose entries expire by event time and whose size is bounded: recent impressions to join
// clicks to, recent event ids to drop duplicates, clicks waiting for their impression. Oldest
// entries go first (insertion order, which follows event time closely enough on a partitioned log).

export class Windowed<V> {
  private readonly entries: Map<string, { at: number; value: V }>;

  constructor(
    private readonly windowMs: number,
    private readonly max: number,
    data: [string, { at: number; value: V }][] = [],
  ) {
    this.entries = new Map(data);
  }

  get(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  set(key: string, value: V, at: number): void {
    this.entries.delete(key);
    this.entries.set(key, { at, value });
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /**
   * Drops what is older than the window as of `now`, from the oldest inserted until the first that
   * is still recent (later ones out of order wait for a later call); returns what was dropped.
   */
  expire(now: number): V[] {
    const gone: V[] = [];
    for (const [key, e] of this.entries) {
      if (e.at >= now - this.windowMs) break;
      this.entries.delete(key);
      gone.push(e.value);
    }
    return gone;
  }

  get size(): number {
    return this.entries.size;
  }

  toJSON(): [string, { at: number; value: V }][] {
    return [...this.entries];
  }
}
