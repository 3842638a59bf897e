// A simulated online experiment: shoppers' sessions (from a real search log) meet two rankings
// through an A/B split or team-draft interleaving, click by a cascade click model driven by
// relevance grades, and the same tests the experiment results use are checked as sessions come
// in, until the known-better ranking wins at p < 0.05. Pure and seeded: the same inputs give the
// same sessions-needed on every machine.
import { seededRandom } from '../common/random.ts';
import { compareMeans, compareRates, type Estimate, preference } from './online-stats.ts';
import { teamDraft } from '../ranking/experiments/interleave.ts';

/** The cascade model (Craswell et al. 2008, with the DBN's stop probabilities): a shopper reads from the top,
 * clicks a product with P(click | grade), and after a click stops with P(stop | grade). */
export interface ClickModel {
  click: readonly number[];
  stop: readonly number[];
}

/** Hofmann et al.'s "navigational" model, on grades 0 to 3: mostly clicks what is relevant and stops there. */
export const NAVIGATIONAL: ClickModel = { click: [0.05, 0.5, 0.75, 0.95], stop: [0.2, 0.5, 0.75, 0.9] };

export function cascadeClicks(
  ranked: readonly string[],
  grades: ReadonlyMap<string, number>,
  model: ClickModel,
  rand: () => number,
): number[] {
  const clicked: number[] = [];
  for (let i = 0; i < ranked.length; i++) {
    const g = Math.min(model.click.length - 1, grades.get(ranked[i]!) ?? 0);
    if (rand() < model.click[g]!) {
      clicked.push(i + 1);
      if (rand() < model.stop[g]!) break;
    }
  }
  return clicked;
}

export interface SimulationInput {
  /** Sessions: each the queries (ids into the maps below) a shopper searched, in order. */
  sessions: readonly (readonly string[])[];
  /** Per query: the control's ranking (A) and the other ranking (B). */
  rankings: ReadonlyMap<string, { a: readonly string[]; b: readonly string[] }>;
  grades: ReadonlyMap<string, ReadonlyMap<string, number>>;
  model: ClickModel;
  /** Results shown per search. */
  size: number;
}

export type Design = 'ab_ctr' | 'ab_rr' | 'interleave';

export interface RunOptions {
  design: Design;
  seed: number;
  /** Session counts at which the test is looked at, ascending. */
  looks: readonly number[];
  /** Searches each side needs before a test counts ("not enough data yet"). */
  minSearches: number;
  /** Both sides serve A (an A/A test): how often the test cries wolf. */
  sameRanking?: boolean;
}

/**
 * One seeded experiment: sessions drawn from the log, each split to a side (A/B) or shown both
 * rankings interleaved; at each look, the test the experiment results would show (undefined while
 * there is not enough data). A/B compares B against A; interleaving gives B's preference. A
 * generator, so many runs can advance look by look and stop together.
 */
export function* experimentLooks(input: SimulationInput, o: RunOptions): Generator<Estimate | undefined> {
  const rand = seededRandom(o.seed);
  const rankingOf = (q: string, side: 'a' | 'b') => {
    const r = input.rankings.get(q)!;
    return (o.sameRanking ? r.a : r[side]).slice(0, input.size);
  };
  const arms = {
    a: { searches: 0, clicked: 0, rr: 0, rr2: 0 },
    b: { searches: 0, clicked: 0, rr: 0, rr2: 0 },
  };
  const prefs = { a: 0, b: 0, ties: 0 };
  let look = 0;
  for (let n = 1; look < o.looks.length; n++) {
    const session = input.sessions[Math.floor(rand() * input.sessions.length)]!;
    const side = rand() < 0.5 ? 'a' : 'b';
    session.forEach((q, i) => {
      const grades = input.grades.get(q)!;
      if (o.design === 'interleave') {
        const m = teamDraft(rankingOf(q, 'a'), rankingOf(q, 'b'), input.size, `${o.seed}:${n}:${i}`);
        const credit = [0, 0];
        for (const p of cascadeClicks(m.ids, grades, input.model, rand)) credit[m.teams[p - 1]!]!++;
        if (credit[0]! > credit[1]!) prefs.a++;
        else if (credit[1]! > credit[0]!) prefs.b++;
        else prefs.ties++;
        return;
      }
      const clicks = cascadeClicks(rankingOf(q, side), grades, input.model, rand);
      const arm = arms[side];
      const rr = clicks.length > 0 ? 1 / clicks[0]! : 0;
      arm.searches++;
      arm.clicked += clicks.length > 0 ? 1 : 0;
      arm.rr += rr;
      arm.rr2 += rr * rr;
    });
    while (look < o.looks.length && o.looks[look] === n) {
      look++;
      if (o.design === 'interleave') {
        yield prefs.a + prefs.b + prefs.ties >= 2 * o.minSearches ? preference(prefs) : undefined;
      } else if (arms.a.searches < o.minSearches || arms.b.searches < o.minSearches) yield undefined;
      else
        yield o.design === 'ab_ctr'
          ? compareRates(arms.a.clicked, arms.a.searches, arms.b.clicked, arms.b.searches)
          : compareMeans(
              { n: arms.a.searches, sum: arms.a.rr, sumSquares: arms.a.rr2 },
              { n: arms.b.searches, sum: arms.b.rr, sumSquares: arms.b.rr2 },
            );
    }
  }
}

/** Every look of one seeded experiment at once. */
export const runExperiment = (input: SimulationInput, o: RunOptions): (Estimate | undefined)[] => [
  ...experimentLooks(input, o),
];

/** A significant answer (p < 0.05) that B is worse: what a test of a known-worse B should find. */
export const findsBWorse = (e: Estimate | undefined): boolean => e !== undefined && e.p_value < 0.05 && e.diff < 0;
