// Which variant a shopper sees: a stable hash of the experiment and the session, so a shopper stays
// in one variant for the whole experiment on every instance of the service, with no stored state.
// Sessions outside the traffic share (and requests without a session) see the normal service.
import { createHash } from 'node:crypto';
import { type Experiment, isRunning, type Variant } from './experiment.ts';

export interface Assignment {
  experiment: Experiment;
  /** The variant served; for interleaving the first of the two, whose answer gives totals and facets. */
  variant: Variant;
  /** What the impression records: the variant's name, or "interleaved". */
  label: string;
}

/** A number in [0, 1) fixed by the two strings: the first 52 bits of their SHA-1. */
export function stableUnit(...parts: string[]): number {
  const h = createHash('sha1').update(parts.join('\u0000')).digest();
  return (h.readUInt32BE(0) * 2 ** 20 + (h.readUInt32BE(4) >>> 12)) / 2 ** 52;
}

/** The first running experiment of the surface that takes this session, and its variant. */
export function assign(
  experiments: readonly Experiment[],
  surface: Experiment['surface'],
  session: string | undefined,
  now: number,
): Assignment | undefined {
  if (!session) return undefined;
  for (const x of experiments) {
    if (x.surface !== surface || !isRunning(x, now)) continue;
    const u = stableUnit(x.id, session);
    if (u >= x.traffic) continue;
    if (x.design === 'interleave') return { experiment: x, variant: x.variants[0]!, label: 'interleaved' };
    const variant = x.variants[Math.min(x.variants.length - 1, Math.floor((u / x.traffic) * x.variants.length))]!;
    return { experiment: x, variant, label: variant.name };
  }
  return undefined;
}

/** Whether two experiments could take the same session on the same surface at the same time. */
export function overlaps(a: Experiment, b: Experiment): boolean {
  if (a.surface !== b.surface || a.stopped_at || b.stopped_at) return false;
  const start = (x: Experiment) => (x.start ? Date.parse(x.start) : Number.NEGATIVE_INFINITY);
  const end = (x: Experiment) => (x.end ? Date.parse(x.end) : Number.POSITIVE_INFINITY);
  return start(a) < end(b) && start(b) < end(a);
}
