// Pinned products sit at fixed positions of the whole list; the organic results fill the rest.
// For a page, that decides which slice of the organic list to fetch and how to interleave it.

/** The organic slice a page needs around the pins (positions are 1-based, in the whole list). */
export function pinWindow(
  pins: readonly { position: number }[],
  page: number,
  size: number,
): { from: number; size: number } {
  const start = (page - 1) * size;
  const before = pins.filter((x) => x.position - 1 < start).length;
  const inside = pins.filter((x) => x.position - 1 >= start && x.position - 1 < start + size).length;
  return { from: start - before, size: size - inside };
}

/** The page with each pin at its position; when the organic list runs out first, pins close up behind it. */
export function placePins<T>(
  organic: readonly T[],
  pins: readonly { position: number; hit: T }[],
  page: number,
  size: number,
): T[] {
  const start = (page - 1) * size;
  const at = new Map(pins.map((x) => [x.position - 1, x.hit]));
  const out: T[] = [];
  let next = 0;
  for (let g = start; g < start + size; g++) {
    const pinned = at.get(g);
    if (pinned !== undefined) out.push(pinned);
    else if (next < organic.length) out.push(organic[next++]!);
  }
  return out;
}
