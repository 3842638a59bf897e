// Rule windows are written as a merchandiser reads a calendar: local date-times in a time zone.
// Intl knows every zone's offsets, so no time-zone table is bundled here.

/** Throws RangeError for an unknown IANA zone. */
export function assertTimeZone(zone: string): void {
  new Intl.DateTimeFormat('en-US', { timeZone: zone });
}

/** One formatter per zone: making one costs about 0.1 ms, using it a few µs. Zones are IANA names, a few hundred. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** How far `zone`'s wall clock is ahead of UTC at `instant`, in ms. */
function offsetAt(instant: number, zone: string): number {
  const parts = formatterOf(zone).formatToParts(instant);
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

interface Window {
  start?: string;
  end?: string;
  time_zone?: string;
}

/** Each window's instants, worked out once per rule object (rules are replaced, never changed, on reload). */
const instants = new WeakMap<Window, { start: number; end: number }>();

export function inWindow(now: number, w: Window): boolean {
  let at = instants.get(w);
  if (!at) {
    const zone = w.time_zone ?? 'UTC';
    at = {
      start: w.start ? zonedToInstant(w.start, zone) : -Infinity,
      end: w.end ? zonedToInstant(w.end, zone) : Infinity,
    };
    instants.set(w, at);
  }
  return now >= at.start && now < at.end;
}
