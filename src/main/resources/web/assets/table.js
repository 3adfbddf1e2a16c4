// A table card: sortable columns, a CSV download of exactly the rows and raw values the API gave
// (money as exact decimal strings), and optional sparklines.
import { el, usd, int, pct } from './format.js';

/**
 * columns: { key, label, type: 'usd'|'int'|'pct'|'text'|'spark', value?: row => raw, link?: row => href }
 * The CSV header is each column's key, so it reads like the API's JSON fields.
 */
export function tableCard(title, id, columns, rows, opts = {}) {
  const state = { rows: [...rows], sortKey: opts.sortKey ?? null, dir: opts.sortDir ?? 'desc' };
  const tbody = el('tbody');
  const heads = columns.map((c) => el('th', {
    class: numeric(c) ? 'num' : '', 'data-col': c.key, text: c.label,
    onclick: c.type === 'spark' ? null : () => sortBy(c),
  }));
  const tableEl = el('table', { 'data-testid': 'table-' + id }, el('thead', {}, el('tr', {}, heads)), tbody);
  const csv = el('button', { type: 'button', 'data-testid': 'csv-' + id, text: 'CSV', onclick: () => download(id, columns, state.rows) });
  const tools = el('div', { class: 'tools' }, ...(opts.tools ?? []), csv);
  const card = el('section', { class: 'card' }, el('div', { class: 'card-head' }, el('h2', { text: title }), tools), tableEl);
  if (opts.footer) card.append(opts.footer);

  function sortBy(c) {
    state.dir = state.sortKey === c.key && state.dir === 'desc' ? 'asc' : 'desc';
    state.sortKey = c.key;
    const get = (r) => raw(c, r);
    state.rows.sort((a, b) => compare(get(a), get(b), c.type) * (state.dir === 'asc' ? 1 : -1));
    draw();
  }

  function draw() {
    tbody.replaceChildren(...state.rows.map((r) => el('tr', {}, columns.map((c) => cell(c, r)))));
    if (!state.rows.length) tbody.append(el('tr', {}, el('td', { colspan: columns.length, class: 'empty', text: opts.empty ?? 'Nothing in this range.' })));
    heads.forEach((h, i) => {
      h.classList.toggle('sorted-asc', columns[i].key === state.sortKey && state.dir === 'asc');
      h.classList.toggle('sorted-desc', columns[i].key === state.sortKey && state.dir === 'desc');
    });
  }

  card.addRows = (more) => { state.rows.push(...more); draw(); };
  draw();
  return card;
}

function numeric(c) {
  return c.type === 'usd' || c.type === 'int' || c.type === 'pct';
}

function raw(c, r) {
  return c.value ? c.value(r) : r[c.key];
}

function compare(a, b, type) {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  if (numeric({ type })) return Number(a) - Number(b);
  return String(a).localeCompare(String(b));
}

function cell(c, r) {
  const v = raw(c, r);
  const td = el('td', { class: numeric(c) ? 'num' : '', 'data-col': c.key });
  if (c.type === 'spark') td.append(sparkline(v ?? []));
  else {
    const text = c.type === 'usd' ? usd(v) : c.type === 'int' ? int(v) : c.type === 'pct' ? pct(v) : (v ?? '—');
    td.append(c.link ? el('a', { href: c.link(r), text }) : String(text));
  }
  return td;
}

export function sparkline(values, width = 120, height = 24) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  const max = Math.max(...values, 0);
  if (values.length > 1 && max > 0) {
    const pts = values.map((v, i) => `${(i / (values.length - 1)) * (width - 2) + 1},${height - 1 - (v / max) * (height - 2)}`);
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('points', pts.join(' '));
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', '#2f6f8f');
    line.setAttribute('stroke-width', '1.5');
    svg.append(line);
  }
  return svg;
}

function download(id, columns, rows) {
  const cols = columns.filter((c) => c.type !== 'spark');
  const esc = (v) => {
    let s = v === null || v === undefined ? '' : String(v);
    // a cell that starts like a formula is text: a leading ' keeps spreadsheets from running it
    if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = "'" + s;
    return /[",\n\r]/.test(s) ? '"' + s.replaceAll('"', '""') + '"' : s;
  };
  const lines = [cols.map((c) => esc(c.key)).join(',')];
  for (const r of rows) lines.push(cols.map((c) => esc(raw(c, r))).join(','));
  const blob = new Blob([lines.join('\r\n') + '\r\n'], { type: 'text/csv' });
  const a = el('a', { href: URL.createObjectURL(blob), download: id + '.csv' });
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}
