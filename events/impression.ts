// What the service showed, one record per answer, keyed by the answer's `query_id`: the learner
// joins clicks to it (which query, at which position), suggestions count searches from it, and
// analytics read it. Written by the service to the impressions topic, never by clients.

export type ImpressionKind = 'search' | 'browse' | 'suggest' | 'rail';

export interface Impression {
  query_id: string;
  /** When it was answered (ISO 8601). */
  ts: string;
  kind: ImpressionKind;
  /** What was typed: the search query, or the prefix typed into the search box. */
  query?: string;
  /** The category page, or a search's category filter. */
  category?: string;
  /** Which rail: similar, bought-together, for-user, trending. */
  rail?: string;
  /** The filters and sort a list was asked with, as the request gave them. */
  filters?: Record<string, unknown>;
  page?: number;
  size?: number;
  profile?: string;
  total?: number;
  /** The query was relaxed to find anything (dropped words or more typos). */
  relaxed?: boolean;
  /** The products shown, in order: position = offset + index + 1. */
  ids: string[];
  /** Positions before the first shown product (page − 1) × size. */
  offset?: number;
  /** Query suggestions shown (autocomplete). */
  suggestions?: string[];
  session?: string;
  /** The verified customer. */
  user?: string;
  /** Milliseconds the engine took (Elasticsearch's time; 0 from the cache). */
  took?: number;
  /** The experiment the session is in, and its variant (or "interleaved"). */
  experiment?: string;
  variant?: string;
  /** Interleaving: which ranking (0: the first variant, 1: the second) contributed each product of ids. */
  teams?: (0 | 1)[];
}

/**
 * One message of the impressions topic, or undefined when it is not one: the fields every reader
 * relies on must be there and sound (a query id fit to be a document id, a time that parses).
 */
export function parseImpression(value: Buffer | null): Impression | undefined {
  try {
    const i = JSON.parse(value?.toString('utf8') ?? '') as Impression;
    const sound =
      typeof i.query_id === 'string' &&
      /^[A-Za-z0-9_-]{1,64}$/.test(i.query_id) &&
      Array.isArray(i.ids) &&
      typeof i.ts === 'string' &&
      Number.isFinite(Date.parse(i.ts));
    return sound ? i : undefined;
  } catch {
    return undefined;
  }
}
