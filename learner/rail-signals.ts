// What the rails learn from shoppers as it happens: trending items (views, clicks, carts and
// purchases, decayed over days), items carted or bought together in a session or an order
// (decayed over weeks), and each customer's recent items. Sums are kept as logarithms of anchored
// sums (ranking/learn/decay.ts), so the order events arrive in does not matter; each part is bounded.
import { topK, type Scored } from '../recommender/models/ranked-list.ts';
import { type HalfLife, halfLifeDays, logAdd, logAnchored, logValueAt } from '../ranking/learn/decay.ts';
import type { RecordedEvent } from '../events/shopper-event.ts';
import { Windowed } from './windowed.ts';

export interface RailLimits {
  maxItems: number;
  /** Items kept per item's bought-together list. */
  maxPartners: number;
  /** A session's basket: items carted within this window go together. */
  basketWindowMs: number;
  maxBaskets: number;
  maxCustomers: number;
  recentPerCustomer: number;
}

export const defaultRailLimits: RailLimits = {
  maxItems: 200_000,
  maxPartners: 50,
  basketWindowMs: 86_400_000,
  maxBaskets: 200_000,
  maxCustomers: 200_000,
  recentPerCustomer: 20,
};

/** How much each kind of interest counts toward trending. */
const TREND_WEIGHT: Record<string, number> = { view: 1, click: 1, add_to_cart: 3, purchase: 5 };
const TRENDING = halfLifeDays(3);
const TOGETHER = halfLifeDays(30);

export interface RailSignalsData {
  trending: [string, number][];
  pairs: [string, [string, number][]][];
  baskets: ReturnType<Windowed<string[]>['toJSON']>;
  recent: ReturnType<Windowed<string[]>['toJSON']>;
}

export class RailSignals {
  private readonly trending: Map<string, number>;
  private readonly pairs: Map<string, Map<string, number>>;
  private readonly baskets: Windowed<string[]>;
  private readonly recent: Windowed<string[]>;
  private trendingChanged = false;
  private readonly itemsChanged = new Set<string>();
  private readonly customersChanged = new Set<string>();

  constructor(
    private readonly limits: RailLimits,
    d?: RailSignalsData,
  ) {
    this.trending = new Map(d?.trending);
    this.pairs = new Map((d?.pairs ?? []).map(([k, v]) => [k, new Map(v)]));
    this.baskets = new Windowed(limits.basketWindowMs, limits.maxBaskets, d?.baskets);
    this.recent = new Windowed(Number.POSITIVE_INFINITY, limits.maxCustomers, d?.recent);
  }

  event(e: RecordedEvent, at: number): void {
    const items = e.type === 'purchase' ? e.items.map((i) => i.product) : 'product' in e ? [e.product] : [];
    if (items.length === 0) return;
    const weight = TREND_WEIGHT[e.type] ?? 0;
    if (weight > 0)
      for (const id of items) this.trending.set(id, logAdd(this.trending.get(id), logAnchored(weight, at, TRENDING)));
    this.trendingChanged = true;
    if (e.customer) this.remember(e.customer, items, at);
    if (e.type === 'add_to_cart' || e.type === 'purchase') {
      // A purchase is a basket of its own; carts gather into the session's basket.
      const basketKey = e.type === 'purchase' ? `order:${e.order_id}` : `session:${e.session}`;
      const basket = this.baskets.get(basketKey) ?? [];
      for (const id of items) {
        if (basket.includes(id)) continue;
        for (const other of basket) this.pair(id, other, at);
        basket.push(id);
      }
      this.baskets.set(basketKey, basket, at);
      this.baskets.expire(at);
    }
  }

  private pair(a: string, b: string, at: number): void {
    const w = logAnchored(1, at, TOGETHER);
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      let partners = this.pairs.get(x);
      if (!partners) this.pairs.set(x, (partners = new Map()));
      partners.set(y, logAdd(partners.get(y), w));
      this.itemsChanged.add(x);
    }
  }

  private remember(customer: string, items: readonly string[], at: number): void {
    const before = this.recent.get(customer) ?? [];
    const next = [...items, ...before.filter((id) => !items.includes(id))].slice(0, this.limits.recentPerCustomer);
    this.recent.set(customer, next, at);
    this.customersChanged.add(customer);
  }

  /** What changed since the last call, read at time `at`: the lists to publish. */
  takeChanged(
    at: number,
    trendingSize = 200,
  ): {
    trending?: Scored[];
    together: Map<string, Scored[]>;
    recent: Map<string, string[]>;
  } {
    this.prune(at);
    const out = {
      ...(this.trendingChanged ? { trending: topK(this.decayed(this.trending, at, TRENDING), trendingSize) } : {}),
      together: new Map(
        [...this.itemsChanged].flatMap((id) => {
          const partners = this.pairs.get(id);
          return partners ? [[id, topK(this.decayed(partners, at, TOGETHER), this.limits.maxPartners)] as const] : [];
        }),
      ),
      recent: new Map(
        [...this.customersChanged].flatMap((c) => {
          const items = this.recent.get(c);
          return items ? [[c, items] as const] : [];
        }),
      ),
    };
    this.trendingChanged = false;
    this.itemsChanged.clear();
    this.customersChanged.clear();
    return out;
  }

  private decayed(m: Map<string, number>, at: number, h: HalfLife): [string, number][] {
    return [...m].map(([id, s]) => [id, logValueAt(s, at, h)]);
  }

  /** Keeps the most trending items and each item's strongest partners. */
  private prune(at: number): void {
    if (this.trending.size > this.limits.maxItems) {
      const keep = new Set(topK(this.decayed(this.trending, at, TRENDING), this.limits.maxItems).map(([id]) => id));
      for (const id of this.trending.keys()) if (!keep.has(id)) this.trending.delete(id);
    }
    for (const id of this.itemsChanged) {
      const partners = this.pairs.get(id)!;
      if (partners.size <= 2 * this.limits.maxPartners) continue;
      const keep = new Set(topK(this.decayed(partners, at, TOGETHER), 2 * this.limits.maxPartners).map(([x]) => x));
      for (const x of partners.keys()) if (!keep.has(x)) partners.delete(x);
    }
    if (this.pairs.size > this.limits.maxItems)
      for (const id of [...this.pairs.keys()].slice(0, this.pairs.size - this.limits.maxItems)) this.pairs.delete(id);
  }

  toJSON(): RailSignalsData {
    return {
      trending: [...this.trending],
      pairs: [...this.pairs].map(([k, v]) => [k, [...v]]),
      baskets: this.baskets.toJSON(),
      recent: this.recent.toJSON(),
    };
  }
}
