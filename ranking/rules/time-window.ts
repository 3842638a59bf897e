// Rule windows are written as a merchandiser reads a calendar: local date-times in a time zone.
// Intl knows every zone's offsets, so no time-zone table is bundled here.

/** Throws RangeError for an unknown IANA zone. */
export function assertTimeZone(zone: string): void {
  new Intl.DateTimeFormat('en-US', { timeZone: zone });
}

/** How far `zone`'s wall clock is ahead of UTC at `instant`, in ms. */
function offsetAt(instant: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(instant);
  const n = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return (
    Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) -
    Math.floor(instant / 1000) * 1000
  );
}

/** The instant a local "YYYY-MM-DDTHH:mm[:ss]" names in `zone` (a wall time skipped by DST moves forward). */
export function zonedToInstant(local: string, zone: string): number {
  const wall = Date.parse(`${local.length === 16 ? `${local}:00` : local}Z`);
  if (!Number.isFinite(wall)) throw new RangeError(`not a date-time: ${local}`);
  // The offset at the guess may differ from the offset at the answer near a DST change: correct once.
  const guess = wall - offsetAt(wall, zone);
  return wall - offsetAt(guess, zone);
}

export function inWindow(now: number, w: { start?: string; end?: string; time_zone?: string }): boolean {
  const zone = w.time_zone ?? 'UTC';
  if (w.start && now < zonedToInstant(w.start, zone)) return false;
  if (w.end && now >= zonedToInstant(w.end, zone)) return false;
  return true;
}
