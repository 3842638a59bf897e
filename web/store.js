// The storefront demo: search box with autocomplete, results with facets, category pages, product
// pages with recommendation rails. The URL holds the whole state, so back, forward and shared
// links work. Server-highlighted fields (<mark> in already-escaped text) are the only HTML inserted.
const $ = (sel, root = document) => root.querySelector(sel);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const money = (p, cur) =>
  p === undefined ? '' : new Intl.NumberFormat(undefined, { style: 'currency', currency: cur || 'USD' }).format(p);
const main = $('#main');
const input = $('#q');
const box = $('#suggestions');
const customerInput = $('#customer');

async function api(path) {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(body.message || res.statusText), { status: res.status });
  return body;
}

// ---- URL state -------------------------------------------------------------------------------
const LIST_KEYS = ['q', 'brand', 'category', 'price_min', 'price_max', 'rating_min', 'in_stock', 'sort', 'page'];
const state = () => new URLSearchParams(location.search);
function go(params, replace = false) {
  const url = `/${params.toString() ? `?${params}` : ''}`;
  history[replace ? 'replaceState' : 'pushState'](null, '', url);
  render();
}
// The API takes a customer as a token the shop's backend signs; the demo asks its demo-only route
// for one. Where that route is off (a service that trusts raw ids), the id itself is sent.
const customer = () => sessionStorage.getItem('customer-token') || '';
customerInput.value = sessionStorage.getItem('customer') || '';
customerInput.addEventListener('change', async () => {
  const id = customerInput.value.trim();
  sessionStorage.setItem('customer', id);
  let token = id;
  if (id) {
    try {
      token = (await api(`/demo/customer-token?${new URLSearchParams({ customer: id })}`)).token;
    } catch {
      // no demo route: the id as typed
    }
  }
  sessionStorage.setItem('customer-token', token);
  render();
});

// ---- shopper events (POST /events): what the learner learns from ---------------------------
// One session per tab; every answer's query id is kept on what it showed, so a click names it.
const newId = () => crypto.randomUUID();
const session = sessionStorage.getItem('session') || newId();
sessionStorage.setItem('session', session);
const queued = [];
let flushTimer;
function track(event) {
  const who = customer();
  queued.push({
    ...event,
    event_id: newId(),
    session,
    time: new Date().toISOString(),
    ...(who ? { customer: who } : {}),
  });
  clearTimeout(flushTimer);
  // A burst (a click that also opens a page) goes as one batch; keepalive lets it outlive the page.
  flushTimer = setTimeout(() => {
    const events = queued.splice(0, 100);
    fetch('/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
      keepalive: true,
    }).catch(() => {});
  }, 50);
}
const cart = () => JSON.parse(sessionStorage.getItem('cart') || '[]');
const saveCart = (items) => sessionStorage.setItem('cart', JSON.stringify(items));

// ---- autocomplete ----------------------------------------------------------------------------
let seq = 0;
let timer;
let options = [];
let active = -1;
let suggestQueryId;
/** A pending or in-flight suggestion request must not reopen the list once the shopper moved on. */
function cancelSuggestions() {
  clearTimeout(timer);
  seq++;
  closeBox();
}
function closeBox() {
  box.hidden = true;
  input.setAttribute('aria-expanded', 'false');
  input.removeAttribute('aria-activedescendant');
  active = -1;
}
function choose(opt) {
  closeBox();
  if (suggestQueryId) {
    if (opt.kind === 'product')
      track({ type: 'click', query_id: suggestQueryId, product: opt.value, position: opt.position });
    else track({ type: 'suggestion_click', query_id: suggestQueryId, text: opt.value });
  }
  if (opt.kind === 'query') return go(new URLSearchParams({ q: opt.value }));
  if (opt.kind === 'category') return go(new URLSearchParams({ c: opt.value }));
  return go(new URLSearchParams({ p: opt.value }));
}
function showSuggestions(r) {
  options = [
    ...r.suggestions.map((s) => ({
      kind: 'query',
      value: s.text,
      html:
        s.source === 'recent'
          ? `<span class="past" title="You searched this">↺</span> ${s.highlighted}`
          : s.highlighted,
    })),
    ...r.categories.map((c) => ({
      kind: 'category',
      value: c.path,
      html: `in <strong>${esc(c.name)}</strong> <span class="count">(${c.count})</span>`,
    })),
    ...r.products.map((p, i) => ({
      kind: 'product',
      value: p.id,
      position: i + 1,
      html: `${esc(p.title)} <span class="count">${money(p.price, p.currency)}</span>`,
    })),
  ];
  suggestQueryId = r.query_id;
  if (options.length === 0) return closeBox();
  const groups = { query: 'Searches', category: 'Categories', product: 'Products' };
  let last = '';
  box.innerHTML = options
    .map((o, i) => {
      const head = o.kind !== last ? `<div class="group" role="presentation">${groups[o.kind]}</div>` : '';
      last = o.kind;
      return `${head}<div role="option" id="opt-${i}" data-i="${i}" data-kind="${o.kind}" aria-selected="false">${o.html}</div>`;
    })
    .join('');
  box.hidden = false;
  input.setAttribute('aria-expanded', 'true');
  active = -1;
}
function highlight(i) {
  active = (i + options.length) % options.length;
  box
    .querySelectorAll('[role=option]')
    .forEach((el) => el.setAttribute('aria-selected', String(Number(el.dataset.i) === active)));
  input.setAttribute('aria-activedescendant', `opt-${active}`);
  $(`#opt-${active}`)?.scrollIntoView({ block: 'nearest' });
}
// What to complete: a trailing space is kept, it says the last word is complete.
const typed = () => input.value.replace(/\s+/g, ' ').trimStart();
input.addEventListener('input', () => {
  clearTimeout(timer);
  const q = typed();
  if (!q.trim()) return closeBox();
  // Debounced, and only the latest request's answer is shown: fast typing never shows stale lists.
  timer = setTimeout(async () => {
    const mine = ++seq;
    try {
      const r = await api(
        `/suggest?${new URLSearchParams({ q, session, ...(customer() ? { customer: customer() } : {}) })}`,
      );
      if (mine === seq && typed() === q) showSuggestions(r);
    } catch {
      if (mine === seq) closeBox();
    }
  }, 120);
});
input.addEventListener('keydown', (e) => {
  if (box.hidden) return;
  if (e.key === 'ArrowDown') e.preventDefault(), highlight(active + 1);
  else if (e.key === 'ArrowUp') e.preventDefault(), highlight(active - 1);
  else if (e.key === 'Escape') closeBox();
  else if (e.key === 'Enter' && active >= 0) e.preventDefault(), choose(options[active]);
});
box.addEventListener('mousedown', (e) => {
  const el = e.target.closest('[role=option]');
  if (el) e.preventDefault(), choose(options[Number(el.dataset.i)]);
});
input.addEventListener('blur', () => setTimeout(closeBox, 100));
$('#search-form').addEventListener('submit', (e) => {
  e.preventDefault();
  cancelSuggestions();
  const q = input.value.trim();
  if (q) go(new URLSearchParams({ q }));
});

// ---- rendering -------------------------------------------------------------------------------
const stars = (r) => (r === undefined ? '' : `<span aria-label="rated ${r} of 5">★ ${r.toFixed(1)}</span>`);
/** A link to a product that reports a click on it: the answer's query id and the 1-based position. */
const productLink = (id, queryId, position) =>
  `href="/?p=${encodeURIComponent(id)}" data-nav data-product="${esc(id)}" data-qid="${esc(queryId ?? '')}" data-pos="${position}"`;
const hitHtml = (
  h,
  i,
  queryId,
  offset,
) => `<li class="hit"><h3><a ${productLink(h.id, queryId, offset + i + 1)}>${h.highlight?.title ?? esc(h.title)}</a></h3>
  <div class="meta">${h.brand ? `<span>${esc(h.brand)}</span>` : ''}<span class="price">${money(h.price, h.currency)}</span>${stars(h.rating)}${h.in_stock === false ? '<span>out of stock</span>' : ''}</div>
  ${h.highlight?.description ? `<p>${h.highlight.description}</p>` : ''}</li>`;
const railHtml = (title, r) =>
  r.items.length === 0
    ? ''
    : `<section class="rail" aria-label="${esc(title)}"><h2>${esc(title)}</h2><ul>${r.items.map((i, n) => `<li><a ${productLink(i.id, r.query_id, n + 1)}>${esc(i.title)}</a><div class="price">${money(i.price, i.currency)}</div></li>`).join('')}</ul></section>`;

function facetsHtml(f, p, onCategoryPage) {
  const out = [];
  const tree = (nodes) =>
    `<ul>${nodes.map((n) => `<li><button class="link" data-set="category" data-value="${esc(n.value)}" ${n.selected ? 'aria-current="true"' : ''}>${n.selected ? `<strong>${esc(n.name)}</strong>` : esc(n.name)}</button> <span class="count">${n.count}</span>${n.children?.length ? tree(n.children) : ''}</li>`).join('')}</ul>`;
  if (f.category?.length && !onCategoryPage) out.push(`<section><h2>Category</h2>${tree(f.category)}</section>`);
  if (f.brand) {
    const chosen = new Set(p.getAll('brand'));
    out.push(
      `<section><h2 id="brand-h">Brand</h2><label class="visually-hidden" for="brand-q">Search brands</label><input id="brand-q" placeholder="Search brands" value="${esc(p.get('brand_q') ?? '')}"><ul aria-labelledby="brand-h">${f.brand
        .map(
          (b) =>
            `<li><label><input type="checkbox" data-toggle="brand" value="${esc(b.value)}" ${chosen.has(b.value) ? 'checked' : ''}> ${esc(b.value)} <span class="count">${b.count}</span></label></li>`,
        )
        .join('')}</ul></section>`,
    );
  }
  if (f.price?.buckets?.length) {
    out.push(
      `<section><h2>Price</h2><ul>${f.price.buckets
        .map(
          (b) =>
            `<li><button class="link" data-price="${b.from ?? ''}-${b.to ?? ''}">${b.from === undefined ? `under ${money(b.to)}` : b.to === undefined ? `${money(b.from)} and up` : `${money(b.from)} – ${money(b.to)}`}</button> <span class="count">${b.count}</span></li>`,
        )
        .join('')}</ul></section>`,
    );
  }
  if (f.rating?.length)
    out.push(
      `<section><h2>Rating</h2><ul>${f.rating.map((r) => `<li><button class="link" data-set="rating_min" data-value="${r.min}">★ ${r.min} & up</button> <span class="count">${r.count}</span></li>`).join('')}</ul></section>`,
    );
  if (f.in_stock?.some((s) => s.value))
    out.push(
      `<section><h2>Availability</h2><label><input type="checkbox" data-toggle-stock ${p.get('in_stock') === 'true' ? 'checked' : ''}> In stock only</label></section>`,
    );
  return out.join('');
}

function chipsHtml(p) {
  const chips = [];
  for (const b of p.getAll('brand')) chips.push({ label: `Brand: ${b}`, key: 'brand', value: b });
  if (p.get('category')) chips.push({ label: `Category: ${p.get('category')}`, key: 'category' });
  if (p.get('price_min') || p.get('price_max'))
    chips.push({ label: `Price: ${p.get('price_min') || 0} – ${p.get('price_max') || '…'}`, key: 'price' });
  if (p.get('rating_min')) chips.push({ label: `Rating ≥ ${p.get('rating_min')}`, key: 'rating_min' });
  if (p.get('in_stock') === 'true') chips.push({ label: 'In stock', key: 'in_stock' });
  return chips.length
    ? `<div class="chips" aria-label="Selected filters">${chips.map((c) => `<button class="chip" data-remove="${c.key}" data-value="${esc(c.value ?? '')}" aria-label="Remove ${esc(c.label)}">${esc(c.label)} ✕</button>`).join('')}</div>`
    : '';
}

async function renderListing(p, categoryPath) {
  const qs = new URLSearchParams();
  for (const k of LIST_KEYS) for (const v of p.getAll(k)) if (!(categoryPath && k === 'category')) qs.append(k, v);
  if (p.get('brand_q')) qs.set('brand_facet_q', p.get('brand_q'));
  if (customer()) qs.set('customer', customer());
  qs.set('session', session);
  qs.set('size', '12');
  const url = categoryPath ? `/categories/${encodeURIComponent(categoryPath)}/products?${qs}` : `/search?${qs}`;
  let r;
  try {
    r = await api(url);
  } catch (e) {
    main.innerHTML = `<p class="empty">${e.status === 404 ? 'Nothing here.' : esc(e.message)}</p>`;
    return;
  }
  if (r.redirect) {
    location.assign(r.redirect);
    return;
  }
  const page = Number(p.get('page') || 1);
  const pages = Math.min(50, Math.ceil(r.total / 12));
  const crumbs = r.breadcrumbs
    ? `<nav class="crumbs" aria-label="Breadcrumbs"><ol><li><a href="/" data-nav>Store</a></li>${r.breadcrumbs.map((b, i) => `<li>${i === r.breadcrumbs.length - 1 ? `<span aria-current="page">${esc(b.name)}</span>` : `<a href="/?c=${encodeURIComponent(b.path)}" data-nav>${esc(b.name)}</a>`}</li>`).join('')}</ol></nav>`
    : '';
  const notices = [
    r.relaxed
      ? `<p class="notice">No results for “${esc(r.query)}”. Showing results for <strong>${esc(r.relaxed.query)}</strong>${r.relaxed.fuzzy ? ' (allowing typos)' : ''}.</p>`
      : '',
    r.rewritten_query ? `<p class="notice">Showing results for <strong>${esc(r.rewritten_query)}</strong>.</p>` : '',
    r.did_you_mean
      ? `<p class="notice">Did you mean <a href="/?q=${encodeURIComponent(r.did_you_mean)}" data-nav>${esc(r.did_you_mean)}</a>?</p>`
      : '',
  ].join('');
  const sorts = [
    ['relevance', 'Best match'],
    ['popularity', 'Popular'],
    ['price_asc', 'Price: low to high'],
    ['price_desc', 'Price: high to low'],
    ['rating', 'Rating'],
    ['newest', 'Newest'],
  ];
  const current = p.get('sort') || (categoryPath && !p.get('q') ? 'popularity' : 'relevance');
  main.innerHTML = `${crumbs}<h1>${categoryPath ? esc(categoryPath.split(' > ').at(-1)) : `Results for “${esc(r.query ?? '')}”`}</h1>
  <div class="layout"><aside class="facets" aria-label="Filters">${facetsHtml(r.facets ?? {}, p, Boolean(categoryPath))}</aside>
  <section aria-label="Results">${notices}${chipsHtml(p)}
    <div class="toolbar"><span id="total">${r.total} result${r.total === 1 ? '' : 's'}</span>
      <label>Sort <select id="sort">${sorts.map(([v, l]) => `<option value="${v}" ${v === current ? 'selected' : ''}>${l}</option>`).join('')}</select></label></div>
    ${r.hits.length ? `<ol class="hits" id="hits">${r.hits.map((h, i) => hitHtml(h, i, r.query_id, (page - 1) * 12)).join('')}</ol>` : '<p class="empty">No products match.</p>'}
    ${
      pages > 1
        ? `<nav class="pager" aria-label="Pages">${Array.from({ length: pages }, (_, i) => i + 1)
            .filter((n) => Math.abs(n - page) <= 3 || n === 1 || n === pages)
            .map(
              (n) =>
                `<button class="secondary" data-page="${n}" ${n === page ? 'aria-current="page"' : ''}>${n}</button>`,
            )
            .join('')}</nav>`
        : ''
    }
  </section></div>`;
  const change = (mutate) => {
    const next = new URLSearchParams(p);
    mutate(next);
    next.delete('page');
    go(next);
  };
  main
    .querySelectorAll('[data-set]')
    .forEach((el) => el.addEventListener('click', () => change((n) => n.set(el.dataset.set, el.dataset.value))));
  main.querySelectorAll('[data-toggle=brand]').forEach((el) =>
    el.addEventListener('change', () =>
      change((n) => {
        const all = n.getAll('brand').filter((b) => b !== el.value);
        n.delete('brand');
        for (const b of el.checked ? [...all, el.value] : all) n.append('brand', b);
      }),
    ),
  );
  main.querySelectorAll('[data-price]').forEach((el) =>
    el.addEventListener('click', () =>
      change((n) => {
        const [from, to] = el.dataset.price.split('-');
        from ? n.set('price_min', from) : n.delete('price_min');
        to ? n.set('price_max', to) : n.delete('price_max');
      }),
    ),
  );
  $('[data-toggle-stock]', main)?.addEventListener('change', (e) =>
    change((n) => (e.target.checked ? n.set('in_stock', 'true') : n.delete('in_stock'))),
  );
  main.querySelectorAll('[data-remove]').forEach((el) =>
    el.addEventListener('click', () =>
      change((n) => {
        const k = el.dataset.remove;
        if (k === 'brand') {
          const rest = n.getAll('brand').filter((b) => b !== el.dataset.value);
          n.delete('brand');
          rest.forEach((b) => n.append('brand', b));
        } else if (k === 'price') n.delete('price_min'), n.delete('price_max');
        else n.delete(k);
      }),
    ),
  );
  $('#brand-q', main)?.addEventListener('change', (e) =>
    change((n) => (e.target.value ? n.set('brand_q', e.target.value) : n.delete('brand_q'))),
  );
  $('#sort', main).addEventListener('change', (e) => change((n) => n.set('sort', e.target.value)));
  main.querySelectorAll('[data-page]').forEach((el) =>
    el.addEventListener('click', () => {
      const next = new URLSearchParams(p);
      next.set('page', el.dataset.page);
      go(next);
    }),
  );
}

async function renderProduct(id) {
  try {
    const rail = (path) =>
      api(`${path}${path.includes('?') ? '&' : '?'}session=${session}`).catch(() => ({ items: [] }));
    const [p, similar, together] = await Promise.all([
      api(`/products/${encodeURIComponent(id)}`),
      rail(`/recommendations/similar/${encodeURIComponent(id)}?size=6`),
      rail(`/recommendations/bought-together?items=${encodeURIComponent(id)}&size=6`),
    ]);
    track({ type: 'view', product: id });
    const path = p.categories ?? [];
    main.innerHTML = `<nav class="crumbs" aria-label="Breadcrumbs"><ol><li><a href="/" data-nav>Store</a></li>${path.map((n, i) => `<li><a href="/?c=${encodeURIComponent(path.slice(0, i + 1).join(' > '))}" data-nav>${esc(n)}</a></li>`).join('')}</ol></nav>
      <article class="product"><h1>${esc(p.title)}</h1><div class="meta">${p.brand ? `<span>${esc(p.brand)}</span>` : ''}<span class="price">${money(p.price, p.currency)}</span>${stars(p.rating)}${p.in_stock === false ? '<span>out of stock</span>' : '<span>in stock</span>'}</div>
      ${p.description ? `<p>${esc(p.description)}</p>` : ''}
      <div class="buy"></div></article>
      ${railHtml('Similar items', similar)}${railHtml('Frequently bought together', together)}`;
    renderBuy(id, p.price);
  } catch (e) {
    main.innerHTML = `<p class="empty">${e.status === 404 ? 'No such product.' : esc(e.message)}</p>`;
  }
}

/** The product page's cart buttons, drawn again (not the page) as the cart changes. */
function renderBuy(id, price) {
  const buy = $('.buy', main);
  const inCart = cart();
  buy.innerHTML = `<button id="add-to-cart">Add to cart</button>${inCart.length ? ` <button id="checkout" class="secondary">Check out (${inCart.length} item${inCart.length === 1 ? '' : 's'})</button>` : ''}`;
  $('#add-to-cart', buy).addEventListener('click', () => {
    track({ type: 'add_to_cart', product: id, quantity: 1, ...(price === undefined ? {} : { price }) });
    saveCart([...cart().filter((x) => x.product !== id), { product: id, price: price ?? 0, quantity: 1 }]);
    renderBuy(id, price);
  });
  // The demo's checkout: no payment, just the order the learner counts as a basket bought together.
  $('#checkout', buy)?.addEventListener('click', () => {
    track({ type: 'purchase', order_id: newId(), items: cart() });
    saveCart([]);
    renderBuy(id, price);
  });
}

async function renderHome() {
  const who = customer();
  const [forYou, trending] = await Promise.all([
    who
      ? api(`/recommendations/for-user/${encodeURIComponent(who)}?size=8&session=${session}`).catch(() => ({
          items: [],
        }))
      : { items: [] },
    api(`/recommendations/trending?size=8&session=${session}`).catch(() => ({ items: [] })),
  ]);
  main.innerHTML = `<h1>Welcome</h1><p>Search above, or pick a category.</p>${railHtml('Recommended for you', forYou)}${railHtml('Trending now', trending)}`;
}

async function renderMenu() {
  try {
    const tree = await api('/categories?depth=1');
    $('#categories').innerHTML = tree.categories
      .map((c) => `<a href="/?c=${encodeURIComponent(c.path)}" data-nav>${esc(c.name)}</a>`)
      .join('');
  } catch {
    $('#categories').innerHTML = '';
  }
}

async function render() {
  const p = state();
  input.value = p.get('q') ?? '';
  cancelSuggestions();
  main.setAttribute('aria-busy', 'true');
  if (p.get('p')) await renderProduct(p.get('p'));
  else if (p.get('c')) await renderListing(p, p.get('c'));
  else if (p.get('q')) await renderListing(p);
  else await renderHome();
  main.removeAttribute('aria-busy');
  document.title = `${p.get('q') || p.get('c') || 'shopsearch'} — demo store`;
}

// In-page links keep the app state in the URL without reloading.
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-nav]');
  if (a?.dataset.qid)
    track({ type: 'click', query_id: a.dataset.qid, product: a.dataset.product, position: Number(a.dataset.pos) });
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey) return;
  e.preventDefault();
  go(new URL(a.href).searchParams);
  main.focus();
});
addEventListener('popstate', render);
renderMenu();
render();
