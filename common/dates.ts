/** A date or date-time from a command line; a bare date is midnight UTC. Throws naming the flag. */
export function parseDate(raw: string, flag: string): number {
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw);
  if (!Number.isFinite(t)) throw new Error(`${flag} is not a date: ${raw}`);
  return t;
}
