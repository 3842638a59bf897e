// Synthetic interaction logs with planted structure, any size, from a seed, so training can be
// tested at a scale no real log here has. Items come in groups bought together (a basket is drawn
// around one group); groups are popular by a power law (Zipf), and so are items within a group;
// customers have favourite groups and staples they buy again; some lines are noise from the
// whole catalog; some baskets are guests'. The last baskets are held out with the group items each
// drew, so a model's lists can be scored on co-purchases it never saw.
import { seededRandom } from '../../common/random.ts';

export interface SyntheticOptions {
  items: number;
  /** Basket lines to generate (training and held out together). */
  interactions: number;
  seed: number;
  /** Items per planted group. */
  groupSize: number;
  /** Customers; 0 = one per 80 lines. */
  customers: number;
  /** Baskets at the end written as held out instead of as training events. */
  heldOut: number;
  /** Zipf exponent of group popularity. */
  zipf: number;
  start: number;
  days: number;
}

export const defaultSyntheticOptions: SyntheticOptions = {
  items: 10_000,
  interactions: 200_000,
  seed: 1,
  groupSize: 10,
  customers: 0,
  heldOut: 5000,
  zipf: 0.8,
  start: Date.parse('2024-01-01T00:00:00Z'),
  days: 365,
};

/** A basket of the log; `planted` is the items its group contributed (what co-purchase recall asks for). */
export interface SyntheticBasket {
  session: string;
  user: string | undefined;
  time: number;
  items: string[];
  planted: string[];
  heldOut: boolean;
}

const SHARE_REPEAT = 0.25;
const SHARE_NOISE = 0.12;
const SHARE_GUEST = 0.15;
const SHARE_FAVOURITE = 0.7;

/** Cumulative weights 1/rank^s, for drawing ranks by binary search. */
function zipfTable(n: number, s: number): Float64Array {
  const c = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) c[r] = sum += 1 / (r + 1) ** s;
  for (let r = 0; r < n; r++) c[r]! /= sum;
  return c;
}

function draw(cumulative: Float64Array, u: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Item n's id; item n belongs to planted group ⌊n / groupSize⌋. */
export const itemId = (n: number): string => `p${String(n).padStart(7, '0')}`;

export function* syntheticBaskets(o: SyntheticOptions): Generator<SyntheticBasket> {
  const random = seededRandom(o.seed);
  const groups = Math.max(1, Math.floor(o.items / o.groupSize));
  const groupRank = zipfTable(groups, o.zipf);
  const withinRank = zipfTable(o.groupSize, 1);
  const customers = o.customers > 0 ? o.customers : Math.max(1, Math.round(o.interactions / 80));
  // Popularity ranks are scattered over group numbers, and ids over items, so neither ids nor
  // numbering give the structure away.
  const groupOfRank = (r: number) => Number((BigInt(r) * 2654435761n) % BigInt(groups));
  const popularGroup = () => groupOfRank(draw(groupRank, random()));
  const itemOf = (group: number, slot: number) => Math.min(o.items - 1, group * o.groupSize + slot);
  const groupItem = (group: number) => itemOf(group, draw(withinRank, random()));
  const span = o.days * 86_400_000;
  let lines = 0;
  for (let b = 0; lines < o.interactions; b++) {
    const guest = random() < SHARE_GUEST;
    // Activity is skewed: a few customers buy often (u = C·r² puts more mass on low numbers).
    const u = Math.floor(customers * random() ** 2);
    const mine = seededRandom(o.seed * 7919 + u);
    const favourites = [groupOfRank(draw(groupRank, mine())), groupOfRank(draw(groupRank, mine()))];
    const staples = [groupItem(favourites[0]!), itemOf(favourites[1]!, Math.floor(mine() * o.groupSize))];
    const group = !guest && random() < SHARE_FAVOURITE ? favourites[Math.floor(random() * 2)]! : popularGroup();
    const size = Math.min(40, 2 + Math.floor(-Math.log(1 - random()) * 6));
    const items: number[] = [];
    const planted: number[] = [];
    for (let l = 0; l < size; l++) {
      const r = random();
      if (!guest && r < SHARE_REPEAT) items.push(staples[Math.floor(random() * 2)]!);
      else if (r < 1 - SHARE_NOISE) {
        const item = groupItem(group);
        items.push(item);
        planted.push(item);
      } else items.push(groupItem(popularGroup()));
    }
    const time = o.start + Math.floor((lines / o.interactions) * span);
    lines += items.length;
    const distinct = (xs: number[]) => [...new Set(xs)].map(itemId);
    yield {
      session: `s${b}`,
      user: guest ? undefined : `c${u}`,
      time,
      items: items.map(itemId),
      planted: distinct(planted),
      // About the last `heldOut` baskets (a basket averages ~7.5 lines).
      heldOut: lines > o.interactions - o.heldOut * 7.5,
    };
  }
}

/** The generated catalog: every item with a title naming its group and a category. */
export function* syntheticProducts(o: SyntheticOptions): Generator<Record<string, unknown>> {
  for (let n = 0; n < o.items; n++) {
    const group = Math.floor(n / o.groupSize);
    yield {
      id: itemId(n),
      title: `item ${n} of set ${group}`,
      categories: [`department ${group % 20}`, `aisle ${group % 400}`],
      price: 1 + (n % 97),
      in_stock: n % 13 !== 0,
    };
  }
}
