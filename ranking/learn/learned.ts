// What is learned per query from clicks, how it is keyed, and the options of learning it.
import { normalizeQuery } from '../rules/match.ts';

export interface LearnedQuery {
  /** Product id and its share of the query's (decayed, smoothed) clicks, best first. */
  products: [string, number][];
  /** Category path and its share, best first. */
  categories: [string, number][];
}

export type LearnedSignals = Map<string, LearnedQuery>;

export interface LearnOptions {
  /** A click this old counts half. */
  halfLifeDays: number;
  smoothing: number;
  maxProducts: number;
  maxCategories: number;
  /** Shares below this are left out. */
  minShare: number;
}

export const defaultLearnOptions: LearnOptions = {
  halfLifeDays: 30,
  smoothing: 3,
  maxProducts: 10,
  maxCategories: 3,
  minShare: 0.05,
};

/** The key a query's learned signals are stored under. */
export const learnedKey = (q: string): string => normalizeQuery(q).join(' ');
