// What the analytics consumer writes, as pure functions of the messages: an answer becomes a
// document of the searches index (id = query_id), an event a document of the events index
// (id = event_id), and an event that follows an answer (click, cart, purchase, suggestion chosen)
// an update of that answer's document. One Painless script folds both into the answer's document in
// whatever order they arrive, each event once (its id is remembered), so redelivery changes nothing.
import type { Impression } from '../events/impression.ts';
import type { RecordedEvent } from '../events/shopper-event.ts';

/** Events remembered per answer; later ones (a bot hammering one answer) are ignored. */
export const MAX_EVENTS_PER_ANSWER = 200;

export type SearchDoc = Record<string, unknown>;

export function searchDoc(i: Impression): SearchDoc {
  return {
    query_id: i.query_id,
    ts: i.ts,
    kind: i.kind,
    ...(i.query !== undefined ? { query: i.query.trim().toLowerCase(), query_length: i.query.length } : {}),
    ...(i.category !== undefined ? { category: i.category } : {}),
    ...(i.rail !== undefined ? { rail: i.rail } : {}),
    ...(i.page !== undefined ? { page: i.page } : {}),
    ...(i.size !== undefined ? { size: i.size } : {}),
    offset: i.offset ?? 0,
    ...(i.profile !== undefined ? { profile: i.profile } : {}),
    ...(i.total !== undefined ? { total: i.total, zero: i.total === 0 } : {}),
    ...(i.relaxed ? { relaxed: true } : {}),
    ...(i.took !== undefined ? { took: i.took } : {}),
    filtered: i.filters !== undefined && Object.keys(i.filters).length > 0,
    ...(i.session !== undefined ? { session: i.session } : {}),
    ...(i.experiment !== undefined ? { experiment: i.experiment, variant: i.variant } : {}),
    ids: i.ids.slice(0, 200),
    // Without a click an interleaved list prefers neither ranking; clicks change that.
    ...(i.teams ? { teams: i.teams.slice(0, 200), winner: 'tie' } : {}),
    ...(i.suggestions ? { suggestions: i.suggestions.slice(0, 50) } : {}),
  };
}

export const eventTimeOf = (e: RecordedEvent): number => Date.parse(e.time ?? e.received_at);

export function eventDoc(e: RecordedEvent): Record<string, unknown> {
  const base = { event_id: e.event_id, type: e.type, ts: new Date(eventTimeOf(e)).toISOString(), session: e.session };
  switch (e.type) {
    case 'click':
      return { ...base, query_id: e.query_id, product: e.product, ...(e.position ? { position: e.position } : {}) };
    case 'suggestion_click':
      return { ...base, query_id: e.query_id, text: e.text };
    case 'view':
      return { ...base, product: e.product, ...(e.query_id ? { query_id: e.query_id } : {}) };
    case 'add_to_cart':
      return {
        ...base,
        product: e.product,
        quantity: e.quantity ?? 1,
        ...(e.price !== undefined ? { revenue: e.price * (e.quantity ?? 1) } : {}),
        ...(e.query_id ? { query_id: e.query_id } : {}),
      };
    case 'purchase':
      return {
        ...base,
        order_id: e.order_id,
        products: e.items.map((x) => x.product),
        quantity: e.items.reduce((s, x) => s + x.quantity, 0),
        revenue: e.items.reduce((s, x) => s + x.price * x.quantity, 0),
      };
  }
}

/** A change to an answer's document: which answer, which event (once), what to add. */
export interface Outcome {
  query_id: string;
  /** Unique per change: the event id (a purchase: event id and product). */
  id: string;
  kind: 'click' | 'cart' | 'purchase' | 'suggestion';
  product?: string;
  quantity?: number;
  revenue?: number;
  text?: string;
}

/** The changes an event makes to answers; purchases are attributed by the caller (`attributed`). */
export function outcomesOf(e: RecordedEvent, attributed: (product: string) => string | undefined): Outcome[] {
  switch (e.type) {
    case 'click':
      return [{ query_id: e.query_id, id: e.event_id, kind: 'click', product: e.product }];
    case 'suggestion_click':
      return [{ query_id: e.query_id, id: e.event_id, kind: 'suggestion', text: e.text }];
    case 'add_to_cart':
      return e.query_id ? [{ query_id: e.query_id, id: e.event_id, kind: 'cart', product: e.product }] : [];
    case 'purchase':
      return e.items.flatMap((x) => {
        const query_id = attributed(x.product);
        return query_id
          ? [
              {
                query_id,
                id: `${e.event_id}:${x.product}`,
                kind: 'purchase' as const,
                product: x.product,
                quantity: x.quantity,
                revenue: x.price * x.quantity,
              },
            ]
          : [];
      });
    default:
      return [];
  }
}

/**
 * Folds an answer (params.doc) or an outcome (params.outcome) into the answer's document, then
 * derives what depends on both (click positions, the interleaving winner) from the clicked products.
 */
export const FOLD_SCRIPT = `
def s = ctx._source;
if (params.doc != null) {
  for (e in params.doc.entrySet()) { s[e.getKey()] = e.getValue(); }
} else {
  def o = params.outcome;
  if (s.event_ids == null) { s.event_ids = new ArrayList(); }
  if (s.event_ids.contains(o.id) || s.event_ids.size() >= params.max) { ctx.op = 'noop'; return; }
  s.event_ids.add(o.id);
  if (o.kind == 'click') {
    if (s.clicked_products == null) { s.clicked_products = new ArrayList(); }
    if (!s.clicked_products.contains(o.product)) { s.clicked_products.add(o.product); }
    s.clicks = (s.clicks == null ? 0 : s.clicks) + 1;
  } else if (o.kind == 'cart') {
    s.carts = (s.carts == null ? 0 : s.carts) + 1;
  } else if (o.kind == 'purchase') {
    s.purchases = (s.purchases == null ? 0 : s.purchases) + o.quantity;
    s.revenue = (s.revenue == null ? 0.0 : s.revenue) + o.revenue;
  } else if (o.kind == 'suggestion') {
    s.chosen = o.text;
    s.chosen_length = o.text.length();
  }
}
s.clicked = s.clicks != null && s.clicks > 0;
if (s.clicked_products != null && s.ids != null) {
  def positions = new ArrayList();
  int a = 0; int b = 0;
  for (p in s.clicked_products) {
    int i = s.ids.indexOf(p);
    if (i < 0) { continue; }
    positions.add(i + 1 + (s.offset == null ? 0 : s.offset));
    if (s.teams != null && i < s.teams.size()) { if (s.teams[i] == 0) { a++; } else { b++; } }
  }
  s.click_positions = positions;
  s.first_click = positions.isEmpty() ? null : Collections.min(positions);
  if (s.teams != null) { s.winner = a > b ? 'a' : (b > a ? 'b' : 'tie'); }
}
`;
