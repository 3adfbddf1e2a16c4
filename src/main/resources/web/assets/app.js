// The dashboard shell: hash routes (#/view/arg?filters) so every view with its filters is a link
// that can be shared; the filter bar; a refresh every 30 seconds.
import { get, post } from './api.js';
import { el } from './format.js';
import * as overview from './views/overview.js';
import * as costs from './views/costs.js';
import * as developers from './views/developers.js';
import * as person from './views/person.js';
import * as models from './views/models.js';
import * as hours from './views/hours.js';
import * as requests from './views/requests.js';
import * as productivity from './views/productivity.js';

const VIEWS = { overview, costs, developers, person, models, hours, requests, productivity };
const FILTERS = ['days', 'from', 'to', 'team', 'person', 'model', 'source'];
const REFRESH_MS = 30_000;
const form = document.getElementById('filters');
const main = document.getElementById('view');
let renders = 0;
let optionsFor = null;

function route() {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const [view, ...rest] = path.split('/');
  return { view: VIEWS[view] ? view : 'overview', arg: rest.length ? decodeURIComponent(rest.join('/')) : null, query: new URLSearchParams(query) };
}

function go(view, arg, query) {
  const q = query.toString();
  location.hash = '#/' + view + (arg ? '/' + encodeURIComponent(arg) : '') + (q ? '?' + q : '');
}

/** The API parameters the filter bar stands for. */
function apiParams(query) {
  const p = {};
  for (const k of FILTERS) if (query.get(k)) p[k] = query.get(k);
  if (!p.days && !p.from && !p.to) p.days = '30';
  return p;
}

function syncForm(query) {
  const p = apiParams(query);
  const custom = !!(p.from || p.to);
  form.days.value = custom ? 'custom' : (['1', '7', '30', '90'].includes(p.days) ? p.days : 'custom');
  form.classList.toggle('show-custom', form.days.value === 'custom');
  form.from.value = p.from ?? '';
  form.to.value = p.to ?? '';
  for (const k of ['team', 'person', 'model', 'source']) ensureOption(form[k], p[k] ?? '');
}

function ensureOption(select, value) {
  if (value && ![...select.options].some((o) => o.value === value)) select.append(el('option', { value, text: value }));
  select.value = value;
}

/** Fills the filter lists from what the range holds (unfiltered, so every choice stays reachable). */
async function loadOptions(range) {
  const key = JSON.stringify(range);
  if (optionsFor === key) return;
  optionsFor = key;
  await Promise.all(['team', 'person', 'model', 'source'].map(async (by) => {
    const data = await get('usage', { ...range, by });
    const select = form[by];
    const current = select.value;
    const keys = data.rows.map((r) => r.key).sort();
    select.replaceChildren(el('option', { value: '', text: 'All' }), ...keys.map((k) => el('option', { value: k, text: k })));
    ensureOption(select, current);
  }));
}

form.addEventListener('change', (e) => {
  const r = route();
  const q = new URLSearchParams(r.query);
  const name = e.target.name;
  if (name === 'days') {
    form.classList.toggle('show-custom', form.days.value === 'custom');
    if (form.days.value === 'custom') return;
    q.set('days', form.days.value); q.delete('from'); q.delete('to');
  } else if (name === 'from' || name === 'to') {
    q.delete('days');
    if (form[name].value) q.set(name, form[name].value); else q.delete(name);
  } else {
    if (form[name].value) q.set(name, form[name].value); else q.delete(name);
  }
  go(r.view, r.arg, q);
});

async function render() {
  const r = route();
  const n = ++renders;
  document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('active', a.dataset.view === r.view || (r.view === 'person' && a.dataset.view === 'developers')));
  syncForm(r.query);
  const params = apiParams(r.query);
  const range = { days: params.days, from: params.from, to: params.to };
  const ctx = {
    params, arg: r.arg, query: r.query,
    set: (k, v) => { const q = new URLSearchParams(r.query); if (v) q.set(k, v); else q.delete(k); go(r.view, r.arg, q); },
    link: (view, arg) => '#/' + view + (arg ? '/' + encodeURIComponent(arg) : '') + (r.query.toString() ? '?' + r.query : ''),
  };
  const status = document.getElementById('status');
  try {
    const [node] = await Promise.all([VIEWS[r.view].render(ctx), loadOptions(range).catch(() => {})]);
    if (n !== renders) return; // a newer render started meanwhile
    main.querySelectorAll('[_echarts_instance_]').forEach((c) => echarts.dispose(c));
    main.replaceChildren(node);
    node.draw?.(); // charts need their container laid out
    main.dataset.view = r.view;
    main.dataset.loaded = String(n);
    status.textContent = 'Updated ' + new Date().toLocaleTimeString() + ' · refreshes every 30 s';
  } catch (e) {
    if (n !== renders) return;
    main.replaceChildren(el('section', { class: 'card error', 'data-testid': 'error', text: e.message }));
    main.dataset.view = r.view;
    main.dataset.loaded = String(n);
  }
}

async function who() {
  const me = await get('me').catch(() => null);
  const zoneEl = document.getElementById('zone');
  const ov = await get('overview').catch(() => null);
  if (ov) zoneEl.textContent = 'Times in ' + ov.timezone;
  if (!me || !me.login_required) return;
  const out = el('button', { type: 'button', text: 'Log out', onclick: async () => { await post('logout', me.csrf); location.href = '/login'; } });
  document.getElementById('who').replaceChildren(me.user + ' (' + me.role + ')', out);
}

window.addEventListener('hashchange', render);
setInterval(render, REFRESH_MS);
render();
who();
