// A small shop with two kinds of goods that shoppers never mix (garden and kitchen) and one bag
// nearly every basket holds: models trained on it have answers known in advance.
import assert from 'node:assert/strict';
import type { Product } from '../../catalog/product.ts';
import { seededRandom } from '../../common/random.ts';
import type { Interaction } from '../../recommender/interactions/interaction.ts';
import type { TrainedModel } from '../../recommender/train.ts';
import { defaultTrainingOptions, type TrainingOptions } from '../../recommender/training-options.ts';

export const GARDEN = ['g1', 'g2', 'g3', 'g4', 'g5', 'g6'];
export const KITCHEN = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6'];
export const BAG = 'bag';
const DAY = 86_400_000;
export const START = Date.parse('2011-01-01T00:00:00Z');

const gardenWords = ['hose', 'rake', 'spade', 'trowel', 'sprinkler', 'shears'];
const kitchenWords = ['pan', 'whisk', 'ladle', 'grater', 'kettle', 'colander'];

export const shopProducts: Product[] = [
  ...GARDEN.map((id, i) => ({
    id,
    title: `garden ${gardenWords[i]} green steel`,
    price: 10 + i,
    categories: ['Home', 'Garden'],
    in_stock: true,
  })),
  ...KITCHEN.map((id, i) => ({
    id,
    title: `kitchen ${kitchenWords[i]} steel`,
    price: 20 + i,
    categories: ['Home', 'Kitchen'],
    in_stock: id !== 'k6',
  })),
  { id: BAG, title: 'paper carrier bag', price: 0.1, categories: ['Home'], in_stock: true },
  // Listed but never bought: only content similarity knows it.
  { id: 'g-new', title: 'garden hose reel green', price: 30, categories: ['Home', 'Garden'], in_stock: true },
];

/** 400 baskets over 200 days; customer c<n> buys garden when n is even, kitchen when odd. */
export function shopInteractions(baskets = 400, seed = 3): Interaction[] {
  const random = seededRandom(seed);
  const out: Interaction[] = [];
  for (let b = 0; b < baskets; b++) {
    const n = b % 20;
    const pool = n % 2 === 0 ? GARDEN : KITCHEN;
    const items = [...pool].sort(() => random() - 0.5).slice(0, 3 + Math.floor(random() * 2));
    if (random() < 0.8) items.push(BAG);
    const time = START + Math.floor((b / baskets) * 200 * DAY);
    for (const item of items)
      out.push({ user: n < 18 ? `c${n}` : undefined, session: `inv${b}`, item, kind: 'purchase', time });
  }
  return out;
}

export const smallTraining: TrainingOptions = {
  ...defaultTrainingOptions,
  minCount: 2,
  listSize: 10,
  item2vec: { ...defaultTrainingOptions.item2vec, dimensions: 16, epochs: 15, subsample: 1, workers: 1 },
  nextBasket: { ...defaultTrainingOptions.nextBasket, workers: 1 },
};

/** Every garden and kitchen item's three most similar items are of its own kind. */
export function assertNeighboursWithinKind(m: TrainedModel): void {
  for (const item of [...GARDEN, ...KITCHEN]) {
    const kind = GARDEN.includes(item) ? GARDEN : KITCHEN;
    const top = m.similar
      .get(item)!
      .slice(0, 3)
      .map(([i]) => i);
    assert.ok(
      top.every((i) => kind.includes(i)),
      `${item}: ${top.join(',')}`,
    );
  }
}
