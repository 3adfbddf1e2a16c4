// When the money is spent: weekday × hour in the team's zone, to spot after-hours use.
import { get } from '../api.js';
import { el, usd } from '../format.js';
import { tableCard } from '../table.js';
import { heatmap } from '../charts.js';
import { page, chartCard, kpi } from './common.js';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Hour rows ("YYYY-MM-DD HH:00", local) folded onto a week: cells [hour, weekday, dollars]. */
export function weekdayHour(rows) {
  const grid = DAYS.map(() => Array(24).fill(0));
  const nanos = DAYS.map(() => Array(24).fill(0n));
  for (const r of rows) {
    const [y, m, d] = r.key.slice(0, 10).split('-').map(Number);
    const wd = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7; // Monday first
    const h = Number(r.key.slice(11, 13));
    grid[wd][h] += Number(r.cost_usd);
    nanos[wd][h] += toNanos(r.cost_usd);
  }
  const cells = [];
  let max = 0;
  grid.forEach((row, wd) => row.forEach((v, h) => { cells.push([h, wd, v]); max = Math.max(max, v); }));
  return { days: DAYS, cells, max, nanos };
}

export function toNanos(decimal) {
  const [w, f = ''] = String(decimal).split('.');
  return BigInt(w) * 1000000000n + BigInt((f + '000000000').slice(0, 9));
}

function fromNanos(n) {
  const s = n.toString().padStart(10, '0');
  return s.slice(0, -9) + '.' + s.slice(-9);
}

export async function render(ctx) {
  const hours = await get('usage', { ...ctx.params, by: 'hour' });
  const { days, cells, max, nanos } = weekdayHour(hours.rows);
  let after = 0n;
  let all = 0n;
  nanos.forEach((row, wd) => row.forEach((v, h) => { all += v; if (wd >= 5 || h < 8 || h >= 19) after += v; }));
  const heat = chartCard('Cost by weekday and hour (' + hours.timezone + ')', 'heatmap');
  const rows = days.map((d, wd) => {
    const r = { weekday: d };
    for (let h = 0; h < 24; h++) r['h' + String(h).padStart(2, '0')] = fromNanos(nanos[wd][h]);
    return r;
  });
  const cols = [{ key: 'weekday', label: 'Day', type: 'text' }];
  for (let h = 0; h < 24; h++) cols.push({ key: 'h' + String(h).padStart(2, '0'), label: String(h).padStart(2, '0'), type: 'usd' });
  const share = all === 0n ? '—' : (Number((after * 1000n) / all) / 10).toFixed(1) + '%';
  const node = page('Hours',
    el('div', { class: 'grid' }, kpi('After hours (before 08:00, from 19:00, weekends)', usd(fromNanos(after)), 'after-hours'),
      kpi('After-hours share', share, 'after-hours-share')),
    heat.card,
    tableCard('Cost by weekday and hour', 'hours', cols, rows));
  node.draw = () => heatmap(heat.box, days, cells, max);
  return node;
}
