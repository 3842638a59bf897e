// The merchandiser console: sign in with the admin key (kept in session storage only), list and
// edit rules through /admin/rules, show the API's field errors beside their inputs, preview a
// query or category page without and with the rule being edited, and read the audit log.
const $ = (sel, root = document) => root.querySelector(sel);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const list = (s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
let editing = null; // id of the stored rule in the form, null for a new one
let rules = [];

export async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: {
      'x-admin-key': sessionStorage.getItem('adminKey') ?? '',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = res.status === 204 ? {} : await res.json().catch(() => ({}));
  if (res.status === 401) showSignIn('That key is not valid.');
  if (!res.ok)
    throw Object.assign(new Error(data.message || res.statusText), { status: res.status, field: data.field });
  return data;
}

// ---- sign in ---------------------------------------------------------------------------------
function showSignIn(message = '') {
  sessionStorage.removeItem('adminKey');
  $('#signin').hidden = false;
  $('#app').hidden = true;
  $('#signin-error').textContent = message;
  $('#key').focus();
}
$('#signin-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  sessionStorage.setItem('adminKey', $('#key').value);
  try {
    await api('GET', '/admin/rules');
    start();
  } catch {
    /* showSignIn already said why */
  }
});

// ---- actions editor --------------------------------------------------------------------------
const GROUP_FIELDS = [
  ['ids', 'product ids'],
  ['brands', 'brands'],
  ['category', 'category path'],
  ['attribute', 'attribute name:value,value'],
  ['price_min', 'min price'],
  ['price_max', 'max price'],
];
function groupInputs(i, g = {}) {
  const value = (k) =>
    k === 'ids' || k === 'brands'
      ? (g[k] ?? []).join(', ')
      : k === 'attribute'
        ? g.attribute
          ? `${g.attribute.name}:${g.attribute.values.join(',')}`
          : ''
        : (g[k] ?? '');
  return `<div class="row">${GROUP_FIELDS.map(([k, label]) => `<div class="field"><label for="a${i}-${k}">${label}</label><input id="a${i}-${k}" data-g="${k}" value="${esc(value(k))}"><span class="field-error" data-error="actions.${i}.group.${k}"></span></div>`).join('')}</div><span class="field-error" data-error="actions.${i}.group"></span>`;
}
function actionHtml(a, i) {
  const field = (k, label, v, type = 'text') =>
    `<div class="field"><label for="a${i}-${k}">${label}</label><input id="a${i}-${k}" data-a="${k}" type="${type}" value="${esc(v ?? '')}"><span class="field-error" data-error="actions.${i}.${k}"></span></div>`;
  const body = {
    pin: () =>
      `<div class="row">${field('id', 'product id', a.id)}${field('position', 'position', a.position ?? 1, 'number')}</div>`,
    boost: () => `${field('factor', 'factor (more than 1)', a.factor ?? 2, 'number')}${groupInputs(i, a.group)}`,
    bury: () => `${field('factor', 'factor (between 0 and 1)', a.factor ?? 0.5, 'number')}${groupInputs(i, a.group)}`,
    hide: () => groupInputs(i, a.group),
    filter: () => groupInputs(i, a.group),
    rewrite: () => field('query', 'search instead for', a.query),
    expand: () => field('synonyms', 'also match (comma-separated)', (a.synonyms ?? []).join(', ')),
    redirect: () => field('url', 'URL', a.url),
  }[a.type]();
  return `<fieldset class="action" data-type="${a.type}"><legend>${i + 1}. ${a.type}</legend>${body}<button type="button" class="link" data-remove-action="${i}">remove</button></fieldset>`;
}
function renderActions(actions) {
  $('#actions').innerHTML = actions.map(actionHtml).join('');
  $('#actions')
    .querySelectorAll('[data-remove-action]')
    .forEach((b) =>
      b.addEventListener('click', () =>
        renderActions(readActions().filter((_, j) => j !== Number(b.dataset.removeAction))),
      ),
    );
}
function readGroup(el) {
  const g = {};
  for (const input of el.querySelectorAll('[data-g]')) {
    const k = input.dataset.g;
    const v = input.value.trim();
    if (!v) continue;
    if (k === 'ids' || k === 'brands') g[k] = list(v);
    else if (k === 'attribute') {
      const [name, values = ''] = v.split(':');
      g.attribute = { name: name.trim(), values: list(values) };
    } else if (k === 'category') g.category = v;
    else g[k] = Number(v);
  }
  return g;
}
function readActions() {
  return [...$('#actions').querySelectorAll('.action')].map((el) => {
    const type = el.dataset.type;
    const v = (k) => el.querySelector(`[data-a="${k}"]`)?.value.trim() ?? '';
    if (type === 'pin') return { type, id: v('id'), position: Number(v('position')) };
    if (type === 'boost' || type === 'bury') return { type, factor: Number(v('factor')), group: readGroup(el) };
    if (type === 'hide' || type === 'filter') return { type, group: readGroup(el) };
    if (type === 'rewrite') return { type, query: v('query') };
    if (type === 'expand') return { type, synonyms: list(v('synonyms')) };
    return { type, url: v('url') };
  });
}
$('#add-action').addEventListener('click', () => renderActions([...readActions(), { type: $('#add-type').value }]));

// ---- the form --------------------------------------------------------------------------------
const zone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
function fillForm(r) {
  editing = r?.id ?? null;
  $('#f-id').value = r?.id ?? '';
  $('#f-id').readOnly = Boolean(r);
  $('#f-name').value = r?.name ?? '';
  $('#f-priority').value = r?.priority ?? 0;
  $('#f-description').value = r?.description ?? '';
  $('#f-enabled').checked = r?.enabled ?? true;
  const c = r?.conditions ?? {};
  $('#f-qmatch').value = c.query?.match ?? '';
  $('#f-qvalues').value = (c.query?.values ?? []).join(', ');
  $('#f-catmode').value = c.category ? (c.category.is !== undefined ? 'is' : 'under') : '';
  $('#f-cat').value = c.category?.is ?? c.category?.under ?? '';
  $('#f-start').value = c.window?.start ?? '';
  $('#f-end').value = c.window?.end ?? '';
  $('#f-tz').value = c.window?.time_zone ?? zone();
  $('#f-channels').value = (c.channels ?? []).join(', ');
  renderActions(r?.actions ?? []);
  clearErrors();
  $('#form-status').textContent = '';
}
function readForm() {
  const conditions = {};
  if ($('#f-qmatch').value) conditions.query = { match: $('#f-qmatch').value, values: list($('#f-qvalues').value) };
  if ($('#f-catmode').value) conditions.category = { [$('#f-catmode').value]: $('#f-cat').value.trim() };
  if ($('#f-start').value || $('#f-end').value)
    conditions.window = {
      ...($('#f-start').value ? { start: $('#f-start').value } : {}),
      ...($('#f-end').value ? { end: $('#f-end').value } : {}),
      time_zone: $('#f-tz').value.trim() || zone(),
    };
  if ($('#f-channels').value.trim()) conditions.channels = list($('#f-channels').value);
  const description = $('#f-description').value.trim();
  return {
    id: $('#f-id').value.trim(),
    name: $('#f-name').value.trim(),
    ...(description ? { description } : {}),
    enabled: $('#f-enabled').checked,
    priority: Number($('#f-priority').value || 0),
    conditions,
    actions: readActions(),
  };
}
export function clearErrors(attr = 'data-error') {
  document.querySelectorAll(`[${attr}]`).forEach((el) => (el.textContent = ''));
}
/** Puts the API's message beside the input it names (`attr`), or the nearest enclosing part of the form. */
export function showError(e, attr = 'data-error', status = '#form-status') {
  clearErrors(attr);
  let field = e.field ?? '';
  let el;
  while (field && !(el = document.querySelector(`[${attr}="${field}"]`)))
    field = field.split('.').slice(0, -1).join('.');
  if (el) el.textContent = e.message;
  $(status).innerHTML = `<span class="error">${esc(e.message)}</span>`;
}
$('#rule-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const rule = readForm();
  try {
    const saved = editing
      ? await api('PUT', `/admin/rules/${encodeURIComponent(editing)}`, rule)
      : await api('POST', '/admin/rules', rule);
    fillForm(saved);
    $('#form-status').innerHTML = '<span class="status">Saved.</span>';
    await refresh();
  } catch (err) {
    showError(err);
  }
});
$('#validate').addEventListener('click', async () => {
  try {
    await api('POST', '/admin/rules/validate', readForm());
    clearErrors();
    $('#form-status').innerHTML = '<span class="status">Valid.</span>';
  } catch (err) {
    showError(err);
  }
});
$('#delete').addEventListener('click', async () => {
  if (!editing || !confirm(`Delete rule ${editing}?`)) return;
  await api('DELETE', `/admin/rules/${encodeURIComponent(editing)}`);
  fillForm(null);
  await refresh();
});
$('#new-rule').addEventListener('click', () => fillForm(null));
/** A new rule for a query (from the Analytics tab): the query condition filled in, one action to complete. */
export function draftRule(query, type) {
  fillForm(null);
  $('#f-id').value = `${type}-${query.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 50)}`;
  $('#f-name').value = `${type === 'rewrite' ? 'Rewrite' : 'Synonyms for'} "${query}"`;
  $('#f-qmatch').value = 'equals';
  $('#f-qvalues').value = query;
  renderActions([{ type }]);
  $('#p-q').value = query;
}

// ---- list and audit --------------------------------------------------------------------------
function renderRules() {
  const needle = $('#rule-filter').value.toLowerCase();
  $('#rules').innerHTML =
    rules
      .filter((r) => !needle || `${r.id} ${r.name}`.toLowerCase().includes(needle))
      .map(
        (r) =>
          `<li><button class="link ${r.enabled ? '' : 'off'}" data-edit="${esc(r.id)}">${esc(r.name)}</button><label><input type="checkbox" data-enable="${esc(r.id)}" ${r.enabled ? 'checked' : ''}> on</label></li>`,
      )
      .join('') || '<li class="empty">No rules yet.</li>';
  $('#rules')
    .querySelectorAll('[data-edit]')
    .forEach((b) => b.addEventListener('click', () => fillForm(rules.find((r) => r.id === b.dataset.edit))));
  $('#rules')
    .querySelectorAll('[data-enable]')
    .forEach((box) =>
      box.addEventListener('change', async () => {
        const r = rules.find((x) => x.id === box.dataset.enable);
        await api('PUT', `/admin/rules/${encodeURIComponent(r.id)}`, { ...r, enabled: box.checked });
        await refresh();
      }),
    );
}
$('#rule-filter').addEventListener('input', renderRules);
async function refresh() {
  rules = (await api('GET', '/admin/rules')).rules;
  renderRules();
  const audit = (await api('GET', '/admin/audit?limit=20')).entries;
  $('#audit').innerHTML = audit
    .map(
      (a) =>
        `<tr><td>${esc(new Date(a.at).toLocaleString())}</td><td>${esc(a.actor)}</td><td>${esc(a.action)} ${esc(a.rule)}</td></tr>`,
    )
    .join('');
}

// ---- preview ---------------------------------------------------------------------------------
const explainText = (x) =>
  x
    ? `text ${x.text.toFixed(2)}${Object.entries(x.signals)
        .map(([k, v]) => `, ${k} ${v.toFixed(2)}`)
        .join('')}${x.rules.map((r) => `, ×${r.factor} (${r.rule})`).join('')} = ${x.score.toFixed(2)}`
    : '';
$('#preview-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const q = $('#p-q').value.trim();
  const category = $('#p-cat').value.trim();
  try {
    const r = await api('POST', '/admin/rules/preview', {
      ...(q ? { q } : {}),
      ...(category ? { category } : {}),
      rule: readForm(),
      size: 10,
    });
    const marks = new Map(r.changes.map((c) => [c.id, c.marks]));
    const tags = (id) => (marks.get(id) ?? []).map((m) => `<span class="tag ${m}">${m}</span>`).join('');
    $('#without').innerHTML = r.without.hits
      .map(
        (h) =>
          `<li data-id="${esc(h.id)}">${esc(h.title)}${marks.get(h.id)?.includes('hidden') ? '<span class="tag hidden">hidden</span>' : ''}</li>`,
      )
      .join('');
    $('#with').innerHTML = r.with.hits
      .map(
        (h) =>
          `<li data-id="${esc(h.id)}">${esc(h.title)}${tags(h.id)}<div class="explain">${esc(explainText(h.explain))}</div></li>`,
      )
      .join('');
    $('#preview-status').textContent = r.applies
      ? 'The rule applies here.'
      : 'The rule does not apply to this query or page.';
    clearErrors();
  } catch (err) {
    if (err.field?.startsWith('rule.')) showError({ ...err, field: err.field.slice(5) });
    $('#preview-status').textContent = err.message;
  }
});

async function start() {
  $('#signin').hidden = true;
  $('#app').hidden = false;
  $('#who').textContent = 'signed in';
  fillForm(null);
  await refresh();
}
if (sessionStorage.getItem('adminKey')) start().catch(() => {});
else showSignIn();
