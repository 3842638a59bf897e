// The console's Analytics and Experiments tabs: what shoppers search over a period against the one
// before (figures, charts rendered by the service as SVG, tables with links to preview a query in
// the storefront and to start a rule for it), and online experiments (start, stop, results with
// intervals and significance). Talks to /admin/analytics/* and /admin/experiments.
import { api, clearErrors, draftRule, showError } from './admin.js';

const $ = (sel, root = document) => root.querySelector(sel);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const pct = (x) => `${(100 * x).toFixed(1)}%`;
const num = (x) => (Math.round(x * 100) / 100).toLocaleString('en');

// ---- tabs ------------------------------------------------------------------------------------
const loaders = { rules: async () => {}, analytics: () => loadAnalytics(), experiments: () => loadExperiments() };
function showTab(name) {
  for (const b of document.querySelectorAll('[data-tab]'))
    b.setAttribute('aria-selected', String(b.dataset.tab === name));
  for (const t of Object.keys(loaders)) $(`#tab-${t}`).hidden = t !== name;
  loaders[name]().catch((err) => {
    const status = $(name === 'analytics' ? '#a-status' : '#x-status');
    if (status) status.innerHTML = `<span class="error">${esc(err.message)}</span>`;
  });
}
for (const b of document.querySelectorAll('[data-tab]')) b.addEventListener('click', () => showTab(b.dataset.tab));

// ---- analytics -------------------------------------------------------------------------------
function rangeQuery() {
  const to = new Date();
  const from = new Date(to.getTime() - Number($('#a-range').value) * 86_400_000);
  const interval = $('#a-interval').value;
  return `from=${from.toISOString()}&to=${to.toISOString()}${interval ? `&interval=${interval}` : ''}`;
}
const change = (now, before, higherIsBetter = true) => {
  if (!before) return '<span>new</span>';
  const d = (now - before) / before;
  const good = d === 0 ? '' : d > 0 === higherIsBetter ? 'up' : 'down';
  return `<span class="${good}">${d >= 0 ? '▲' : '▼'} ${pct(Math.abs(d))}</span>`;
};
function renderKpis(t, p) {
  const zeroRate = (x) => (x.searches ? x.zero_results / x.searches : 0);
  const kpis = [
    ['Searches', num(t.searches), change(t.searches, p.searches)],
    ['Click-through', pct(t.ctr), change(t.ctr, p.ctr)],
    ['No results', pct(zeroRate(t)), change(zeroRate(t), zeroRate(p), false)],
    ['Conversion', pct(t.conversion), change(t.conversion, p.conversion)],
    ['Revenue', num(t.revenue), change(t.revenue, p.revenue)],
    ['From a suggestion', pct(t.from_suggestion_share), change(t.from_suggestion_share, p.from_suggestion_share)],
    ['Keystrokes saved per suggestion', num(t.keystrokes_saved_per_choice), ''],
  ];
  $('#kpis').innerHTML = kpis
    .map(([name, value, delta]) => `<div class="kpi" data-kpi="${esc(name)}">${esc(name)}<b>${value}</b>${delta}</div>`)
    .join('');
}
const queryActions = (q, report) =>
  `<a href="/?q=${encodeURIComponent(q)}" target="_blank" rel="noopener">preview</a> · <button type="button" class="link" data-rule="${esc(q)}" data-type="${report === 'zero' ? 'rewrite' : 'expand'}">${report === 'zero' ? 'rewrite rule' : 'synonym rule'}</button>`;
function renderQueries(report, rows) {
  $(`#t-${report}`).innerHTML =
    `<thead><tr><th>query</th><th>searches</th><th>vs before</th><th>CTR</th><th>bought</th><th></th></tr></thead><tbody>${
      rows
        .map(
          (r) =>
            `<tr data-query="${esc(r.query)}"><td>${esc(r.query)}</td><td>${r.searches}</td><td>${change(r.searches, r.previous)}</td><td>${pct(r.ctr)}</td><td>${num(r.purchases)}</td><td>${queryActions(r.query, report)}</td></tr>`,
        )
        .join('') || '<tr><td colspan="6" class="empty">None in this period.</td></tr>'
    }</tbody>`;
}
async function loadAnalytics() {
  $('#a-status').textContent = 'Loading…';
  const q = rangeQuery();
  const [overview, charts, categories, ...tables] = await Promise.all([
    api('GET', `/admin/analytics/overview?${q}`),
    api('GET', `/admin/analytics/charts?${q}`),
    api('GET', `/admin/analytics/categories?${q.replace(/&interval=\w+/, '')}&size=10`),
    ...['top', 'zero', 'no_click'].map((r) =>
      api('GET', `/admin/analytics/queries?report=${r}&size=10&${q.replace(/&interval=\w+/, '')}`),
    ),
  ]);
  renderKpis(overview.totals, overview.previous);
  // The service renders the charts (Vega-Lite to SVG); the page runs no chart code.
  $('#charts').innerHTML = charts.charts
    .map(
      (c) =>
        `<figure class="panel" data-chart="${esc(c.id)}"><figcaption>${esc(c.title)}</figcaption>${c.svg}</figure>`,
    )
    .join('');
  for (const t of tables) renderQueries(t.report, t.rows);
  $('#t-categories').innerHTML = `<thead><tr><th>category</th><th>views</th><th>vs before</th></tr></thead><tbody>${
    categories.rows
      .map(
        (r) =>
          `<tr><td><a href="/?c=${encodeURIComponent(r.category)}" target="_blank" rel="noopener">${esc(r.category)}</a></td><td>${r.views}</td><td>${change(r.views, r.previous)}</td></tr>`,
      )
      .join('') || '<tr><td colspan="3" class="empty">None in this period.</td></tr>'
  }</tbody>`;
  $('#a-status').textContent =
    `${new Date(overview.from).toLocaleString()} – ${new Date(overview.to).toLocaleString()}`;
}
$('#range-form').addEventListener('change', () =>
  loadAnalytics().catch((e) => ($('#a-status').textContent = e.message)),
);
$('#tab-analytics').addEventListener('click', (e) => {
  const b = e.target.closest('[data-rule]');
  if (!b) return;
  showTab('rules');
  draftRule(b.dataset.rule, b.dataset.type);
});

// ---- experiments -----------------------------------------------------------------------------
const variantRow = (
  i,
  v,
) => `<fieldset class="variant"><legend>Variant ${i + 1}${i === 0 ? ' (control)' : ''}</legend><div class="row">
  <div class="field"><label for="v${i}-name">Name</label><input id="v${i}-name" data-v="name" value="${esc(v.name)}"><span class="field-error" data-xerror="variants.${i}.name"></span></div>
  <div class="field"><label for="v${i}-profile">Ranking profile</label><select id="v${i}-profile" data-v="profile"><option value="">default</option><option value="plain" ${v.profile === 'plain' ? 'selected' : ''}>plain (BM25)</option></select><span class="field-error" data-xerror="variants.${i}.profile"></span></div>
  <div class="field"><label for="v${i}-rules">Merchandiser rules</label><select id="v${i}-rules" data-v="rules"><option value="all">all</option><option value="none">none</option></select></div>
  <div class="field"><label for="v${i}-recent">Recent searches in autocomplete</label><select id="v${i}-recent" data-v="recent"><option value="on">on</option><option value="off">off</option></select></div>
</div></fieldset>`;
$('#x-variants').innerHTML = [{ name: 'control' }, { name: 'plain', profile: 'plain' }]
  .map((v, i) => variantRow(i, v))
  .join('');

function readExperiment() {
  const suggest = $('#x-surface').value === 'suggest';
  const variants = [...document.querySelectorAll('#x-variants .variant')].map((el) => {
    const v = (k) => el.querySelector(`[data-v="${k}"]`).value;
    if (suggest) return { name: v('name'), suggest: { recent_searches: v('recent') === 'on' } };
    return {
      name: v('name'),
      ...(v('profile') ? { profile: v('profile') } : {}),
      ...(v('rules') === 'none' ? { rules: { mode: 'none' } } : {}),
    };
  });
  return {
    id: $('#x-id').value.trim(),
    name: $('#x-name').value.trim(),
    design: $('#x-design').value,
    surface: $('#x-surface').value,
    traffic: Number($('#x-traffic').value),
    variants,
  };
}
$('#x-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    const x = await api('POST', '/admin/experiments', readExperiment());
    clearErrors('data-xerror');
    $('#x-status').innerHTML = `<span class="status">Started ${esc(x.id)}.</span>`;
    await loadExperiments();
    await showResults(x.id);
  } catch (err) {
    showError(err, 'data-xerror', '#x-status');
  }
});

const state = (x) =>
  x.stopped_at
    ? 'stopped'
    : x.end && Date.parse(x.end) <= Date.now()
      ? 'ended'
      : x.start && Date.parse(x.start) > Date.now()
        ? 'scheduled'
        : 'running';
async function loadExperiments() {
  const { experiments } = await api('GET', '/admin/experiments');
  $('#experiments').innerHTML =
    experiments
      .map(
        (x) =>
          `<li><button type="button" class="link" data-results="${esc(x.id)}">${esc(x.name)}</button><span class="tag">${esc(x.design)} · ${state(x)}</span>${state(x) === 'running' ? `<button type="button" class="secondary" data-stop="${esc(x.id)}">Stop</button>` : ''}</li>`,
      )
      .reverse()
      .join('') || '<li class="empty">No experiments yet.</li>';
}
$('#experiments').addEventListener('click', async (e) => {
  const results = e.target.closest('[data-results]');
  const stop = e.target.closest('[data-stop]');
  if (results) await showResults(results.dataset.results);
  if (stop && confirm(`Stop experiment ${stop.dataset.stop}? Every shopper gets the normal service again.`)) {
    await api('POST', `/admin/experiments/${encodeURIComponent(stop.dataset.stop)}/stop`);
    await loadExperiments();
    await showResults(stop.dataset.stop);
  }
});

const estimate = (e, asPct = true) => {
  if (!e) return '–';
  const f = (x) => (asPct ? `${(100 * x).toFixed(2)} pts` : x.toFixed(2));
  const sig = e.p_value < 0.05;
  return `<span class="${sig ? 'significant' : ''}">${e.diff >= 0 ? '+' : ''}${f(e.diff)} [${f(e.ci95[0])}, ${f(e.ci95[1])}] p=${e.p_value.toFixed(3)}</span>`;
};
async function showResults(id) {
  const { experiment: x, results: r } = await api('GET', `/admin/experiments/${encodeURIComponent(id)}`);
  const verdict =
    r.status === 'not_enough_data'
      ? `<p class="status-line" data-status="not_enough_data">Not enough data yet: each ${x.design === 'interleave' ? 'experiment' : 'variant'} needs ${r.min_searches} searches before a test means anything.</p>`
      : `<p class="status-line" data-status="${r.status}">${r.status === 'significant' ? 'A significant difference (p &lt; 0.05).' : 'No significant difference so far.'}</p>`;
  const rows = r.variants
    .map((v) => {
      const c = v.vs_control;
      return `<tr data-variant="${esc(v.variant)}"><td>${esc(v.variant)}</td><td>${v.searches}</td><td>${v.sessions}</td><td>${pct(v.ctr)}<br>${estimate(c?.ctr)}</td><td>${pct(v.conversion)}<br>${estimate(c?.conversion)}</td><td>${num(v.revenue_per_search)}<br>${estimate(c?.revenue_per_search, false)}</td><td>${pct(v.zero_result_rate)}<br>${estimate(c?.zero_result_rate)}</td><td>${num(v.latency_ms_mean)} / ${num(v.latency_ms_p95)}</td></tr>`;
    })
    .join('');
  const inter = r.interleaving
    ? `<p data-interleaving>Lists won: ${esc(x.variants[0].name)} ${r.interleaving.a}, ${esc(x.variants[1].name)} ${r.interleaving.b}, ties ${r.interleaving.ties}. Preference for ${esc(x.variants[1].name)}: ${estimate(r.interleaving.preference)}</p>`
    : '';
  $('#x-results').innerHTML =
    `<h3>${esc(x.name)} <span class="tag">${esc(x.design)} · ${state(x)}</span></h3>${verdict}${inter}
    <table class="audit"><thead><tr><th>variant</th><th>searches</th><th>sessions</th><th>click-through</th><th>conversion</th><th>revenue / search</th><th>no results (guardrail)</th><th>latency ms mean / p95 (guardrail)</th></tr></thead><tbody>${rows}</tbody></table>
    <p class="explain">Differences are against the control with a 95% interval; significant ones (p &lt; 0.05) are marked.</p>`;
}
