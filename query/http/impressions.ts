// Every answer gets a query id, and what it showed is recorded under it (asynchronously, to the
// impressions topic) so clicks, carts and purchases can be attributed to the answer they came from.
import { randomBytes } from 'node:crypto';
import type { Impression } from '../../events/impression.ts';
import type { ExperimentTag } from '../../ranking/experiments/experiment.ts';
import type { SearchParams } from '../search/params.ts';
import type { ListingResult } from '../search/engine.ts';

export type ImpressionDetails = Omit<Impression, 'query_id' | 'ts'>;

export interface Impressions {
  /** Records what an answer showed; returns the answer's query id. */
  track(details: ImpressionDetails): string;
}

/** 32 hexadecimal characters, as InstantSearch's queryID. */
export const newQueryId = (): string => randomBytes(16).toString('hex');

/** Impressions go wherever `sink.record` points at the time (nowhere while it is unset). */
export function impressionsTo(sink: { record?: (i: Impression) => void }, now: () => number = Date.now): Impressions {
  return {
    track(details) {
      const query_id = newQueryId();
      sink.record?.({ query_id, ts: new Date(now()).toISOString(), ...details });
      return query_id;
    },
  };
}

/** What a search or category page showed. */
export function listingImpression(
  kind: 'search' | 'browse',
  p: SearchParams,
  result: ListingResult,
  who: { session?: string; customer?: string },
): ImpressionDetails {
  const filters = {
    ...(p.brands.length ? { brands: p.brands } : {}),
    ...(p.priceMin !== undefined ? { price_min: p.priceMin } : {}),
    ...(p.priceMax !== undefined ? { price_max: p.priceMax } : {}),
    ...(p.ratingMin !== undefined ? { rating_min: p.ratingMin } : {}),
    ...(p.inStock !== undefined ? { in_stock: p.inStock } : {}),
    ...(p.attributes.length ? { attributes: p.attributes } : {}),
    ...(p.sort !== 'relevance' ? { sort: p.sort } : {}),
  };
  return {
    kind,
    ...(p.q ? { query: p.q } : {}),
    ...(p.category ? { category: p.category } : {}),
    ...(Object.keys(filters).length ? { filters } : {}),
    page: result.page,
    size: p.size,
    profile: p.profile,
    total: result.total,
    ...(result.relaxed ? { relaxed: true } : {}),
    ids: result.hits.map((h) => h.id),
    ...(p.cursor ? {} : { offset: (p.page - 1) * p.size }),
    ...(who.session ? { session: who.session } : {}),
    ...(who.customer ? { user: who.customer } : {}),
    took: result.took,
    ...experimentOf(result),
  };
}

/** The experiment fields of an impression, from the answer's tag. */
export const experimentOf = (r: { experiment?: ExperimentTag }): Partial<Impression> =>
  r.experiment
    ? {
        experiment: r.experiment.id,
        variant: r.experiment.variant,
        ...(r.experiment.teams ? { teams: r.experiment.teams } : {}),
      }
    : {};
