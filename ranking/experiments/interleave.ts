// Team-draft interleaving (Radlinski, Kurup and Joachims, CIKM 2008): two rankings take turns, like
// captains picking teams, each adding its best product not yet in the list; a coin decides who picks
// first in each round. Every product remembers the team that contributed it, and a click credits
// that team. Far fewer sessions tell two rankings apart than an A/B test needs, since every shopper
// compares both on the same query.
import { seededRandom } from '../../common/random.ts';
import { stableUnit } from './assign.ts';

export interface Interleaved {
  ids: string[];
  /** The team (0: first ranking, 1: second) that contributed each product, aligned with ids. */
  teams: (0 | 1)[];
}

/** Merges the two rankings into one list of at most `size`; `seed` fixes the coin flips. */
export function teamDraft(a: readonly string[], b: readonly string[], size: number, seed: string): Interleaved {
  const coin = seededRandom(Math.floor(stableUnit(seed) * 2 ** 32));
  const out: Interleaved = { ids: [], teams: [] };
  const taken = new Set<string>();
  const next = [0, 0];
  const lists = [a, b];
  const picked = [0, 0];
  const nextOf = (t: 0 | 1): string | undefined => {
    const l = lists[t]!;
    while (next[t]! < l.length && taken.has(l[next[t]!]!)) next[t]!++;
    return l[next[t]!];
  };
  while (out.ids.length < size) {
    const ca = nextOf(0);
    const cb = nextOf(1);
    if (ca === undefined && cb === undefined) break;
    // The team with fewer picks goes; on a tie the coin decides; an exhausted team passes.
    let team: 0 | 1 = picked[0]! < picked[1]! || (picked[0] === picked[1] && coin() < 0.5) ? 0 : 1;
    if ((team === 0 ? ca : cb) === undefined) team = team === 0 ? 1 : 0;
    const id = (team === 0 ? ca : cb)!;
    taken.add(id);
    out.ids.push(id);
    out.teams.push(team);
    picked[team]!++;
  }
  return out;
}

export type Preference = 'a' | 'b' | 'tie';

/** Which ranking the clicks on one interleaved list prefer: the team credited with more clicks. */
export function preferenceOf(teams: readonly (0 | 1)[], clickedPositions: readonly number[]): Preference {
  let a = 0;
  let b = 0;
  for (const p of new Set(clickedPositions)) {
    const t = teams[p - 1];
    if (t === 0) a++;
    else if (t === 1) b++;
  }
  return a > b ? 'a' : b > a ? 'b' : 'tie';
}
