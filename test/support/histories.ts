// Random but reproducible event histories for many products.
import { seededRandom } from '../../common/random.ts';
import type { ProductEvent } from '../../indexer/event.ts';

export function randomHistories(seed: number, products: number, maxEvents: number, versionBase = 0): ProductEvent[] {
  const rand = seededRandom(seed);
  const events: ProductEvent[] = [];
  for (let p = 0; p < products; p++) {
    const id = `P${seed}-${p}`;
    let version = versionBase;
    const n = 1 + Math.floor(rand() * maxEvents);
    for (let i = 0; i < n; i++) {
      version += 1 + Math.floor(rand() * 5);
      const r = rand();
      if (i === 0 || r < 0.3) {
        events.push({
          op: 'upsert',
          id,
          version,
          product: {
            id,
            title: `Product ${p} v${version}`,
            price: Math.round(rand() * 10000) / 100,
            categories: ['Dept', `Aisle ${p % 7}`],
            in_stock: rand() < 0.8,
            ...(rand() < 0.5 ? { brand: `Brand ${p % 11}` } : {}),
          },
        });
      } else if (r < 0.9) {
        events.push({
          op: 'patch',
          id,
          version,
          fields:
            rand() < 0.5
              ? { price: Math.round(rand() * 10000) / 100 }
              : { in_stock: rand() < 0.5, popularity: Math.floor(rand() * 100) },
        });
      } else {
        events.push({ op: 'delete', id, version });
      }
    }
  }
  return events;
}

export function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const rand = seededRandom(seed);
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
