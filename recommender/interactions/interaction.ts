// The one shape every interaction source is read into, and how a list of them becomes baskets.

export type InteractionKind = 'view' | 'cart' | 'purchase';

export interface Interaction {
  /** Customer id; undefined for guests (their baskets still teach co-occurrence). */
  user: string | undefined;
  /** What groups items into a basket: an invoice, an order or a browsing session. */
  session: string;
  item: string;
  kind: InteractionKind;
  /** Milliseconds since the epoch. */
  time: number;
}

export interface Basket {
  id: string;
  user: string | undefined;
  /** Time of the basket's first interaction. */
  time: number;
  /** Distinct items in first-seen order. */
  items: string[];
}

/** Interactions grouped by session, oldest basket first. */
export function basketsOf(interactions: Iterable<Interaction>): Basket[] {
  const byId = new Map<string, Basket & { seen: Set<string> }>();
  for (const x of interactions) {
    let b = byId.get(x.session);
    if (!b) {
      b = { id: x.session, user: x.user, time: x.time, items: [], seen: new Set() };
      byId.set(x.session, b);
    }
    b.time = Math.min(b.time, x.time);
    b.user ??= x.user;
    if (!b.seen.has(x.item)) {
      b.seen.add(x.item);
      b.items.push(x.item);
    }
  }
  return [...byId.values()].map(({ seen: _seen, ...b }) => b).sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1));
}

/** Splits baskets at a time: training sees only what happened before it. */
export function splitAt(baskets: readonly Basket[], cutoff: number): { before: Basket[]; after: Basket[] } {
  return { before: baskets.filter((b) => b.time < cutoff), after: baskets.filter((b) => b.time >= cutoff) };
}
