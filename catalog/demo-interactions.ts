// Purchases for the demo catalog, so the demo's rails have something to say: each demo customer
// (demo-1 … demo-n) shops one or two departments' categories, baskets hold 2–5 products from a
// shopper's categories, popular products are picked more often, over the 90 days before `end`.
import type { Product } from './product.ts';
import { categoryPathString } from './product.ts';
import { seededRandom } from '../common/random.ts';
import type { Interaction } from '../recommender/interactions/interaction.ts';

export interface DemoInteractionOptions {
  customers: number;
  basketsPerCustomer: number;
  seed: number;
  end: number;
}

export function demoInteractions(products: readonly Product[], o: DemoInteractionOptions): Interaction[] {
  const rand = seededRandom(o.seed);
  const byCategory = new Map<string, Product[]>();
  for (const p of products) {
    const key = categoryPathString(p.categories ?? []);
    byCategory.set(key, [...(byCategory.get(key) ?? []), p]);
  }
  const categories = [...byCategory.keys()];
  // Squaring a uniform draw favours the front of each category's list: a few products sell most.
  const pickFrom = (ps: Product[]) => ps[Math.floor(rand() ** 2 * ps.length)]!;
  const out: Interaction[] = [];
  for (let c = 1; c <= o.customers; c++) {
    const liked = Array.from(
      { length: 1 + Math.floor(rand() * 2) },
      () => categories[Math.floor(rand() * categories.length)]!,
    );
    for (let b = 0; b < o.basketsPerCustomer; b++) {
      const time = o.end - Math.floor(rand() * 90 * 86_400_000);
      const size = 2 + Math.floor(rand() * 4);
      for (let i = 0; i < size; i++) {
        const p = pickFrom(byCategory.get(liked[Math.floor(rand() * liked.length)]!)!);
        out.push({ user: `demo-${c}`, session: `demo-${c}-${b}`, item: p.id, kind: 'purchase', time });
      }
    }
  }
  return out;
}
