// Small pieces several views share.
import { el, usd, int } from '../format.js';

export function kpi(label, value, testid, loud = false) {
  return el('div', { class: 'card kpi' + (loud ? ' loud' : '') },
    el('div', { class: 'label', text: label }),
    el('div', { class: 'value', 'data-testid': 'kpi-' + testid, text: value }));
}

export function chartCard(title, testid, tools = [], small = false) {
  const box = el('div', { class: 'chart' + (small ? ' small' : ''), 'data-testid': 'chart-' + testid });
  const card = el('section', { class: 'card' }, el('div', { class: 'card-head' }, el('h2', { text: title }), el('div', { class: 'tools' }, ...tools)), box);
  return { card, box };
}

export function page(title, ...children) {
  return el('div', {}, el('h1', { text: title }), ...children);
}

/** Every local day of the answer's range, so days with nothing still show as zero. */
export function daysOf(answer) {
  const out = [];
  const d = new Date(answer.from + 'T00:00:00Z');
  const end = new Date(answer.to + 'T00:00:00Z');
  for (; d <= end; d.setUTCDate(d.getUTCDate() + 1)) out.push(d.toISOString().slice(0, 10));
  return out;
}

/** Series rows ({key: day, split, …}) → one array per split key over the days, biggest first, the rest as "other". */
export function stack(rows, days, field, top = 10) {
  const totals = new Map();
  for (const r of rows) totals.set(r.split, (totals.get(r.split) ?? 0) + field(r));
  const keys = [...totals.keys()].sort((a, b) => totals.get(b) - totals.get(a));
  const shown = keys.slice(0, top);
  const index = new Map(days.map((d, i) => [d, i]));
  const series = shown.map((k) => ({ name: k, data: days.map(() => 0) }));
  const other = { name: 'other', data: days.map(() => 0) };
  for (const r of rows) {
    const i = index.get(r.key);
    if (i === undefined) continue;
    const s = series[shown.indexOf(r.split)] ?? other;
    s.data[i] += field(r);
  }
  if (keys.length > top) series.push(other);
  return series;
}

export function select(name, options, value, onchange, testid) {
  const s = el('select', { name, 'data-testid': testid, onchange: (e) => onchange(e.target.value) },
    ...options.map(([v, label]) => el('option', { value: v, text: label })));
  s.value = value;
  return s;
}

// A budget's spend by source ("gateway $6.00 · otel-event $1.20"): budgets count every source.
export function spentBySource(b) {
  const parts = Object.entries(b.spent_by_source ?? {})
    .map(([source, v]) => source + ' ' + (b.unit === 'usd' ? usd(v) : int(v)));
  return parts.length ? parts.join(' · ') : '-';
}
