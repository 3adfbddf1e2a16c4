// Models: cost and calls per model, and how each developer splits across models.
import { get } from '../api.js';
import { el } from '../format.js';
import { tableCard } from '../table.js';
import { pie, stackedBars } from '../charts.js';
import { page, chartCard } from './common.js';
import { toNanos } from './hours.js';

export async function render(ctx) {
  const models = await get('usage', { ...ctx.params, by: 'model' });
  const names = models.rows.map((r) => r.key);
  // one question per model (a handful), each answered from rollups
  const perModel = await Promise.all(names.map((m) => get('usage', { ...ctx.params, model: m, by: 'person' })));
  const people = [...new Set(perModel.flatMap((a) => a.rows.map((r) => r.key)))].sort();
  const matrix = people.map((p) => {
    const row = { person: p };
    names.forEach((m, i) => { row[m] = perModel[i].rows.find((r) => r.key === p)?.cost_usd ?? '0.00'; });
    row.total = fromNanos(names.reduce((s, m) => s + toNanos(row[m]), 0n));
    return row;
  }).sort((a, b) => Number(b.total) - Number(a.total));
  const costPie = chartCard('Cost by model', 'model-cost', [], true);
  const callsPie = chartCard('Calls by model', 'model-calls', [], true);
  const perDev = chartCard('Cost per developer by model', 'model-developers');
  const node = page('Models',
    el('div', { class: 'two' }, costPie.card, callsPie.card),
    tableCard('Models', 'models', [
      { key: 'key', label: 'Model', type: 'text' }, { key: 'requests', label: 'Calls', type: 'int' },
      { key: 'input_tokens', label: 'Input', type: 'int' }, { key: 'cache_read_tokens', label: 'Cache read', type: 'int' },
      { key: 'output_tokens', label: 'Output', type: 'int' }, { key: 'unpriced_requests', label: 'Unpriced', type: 'int' },
      { key: 'cost_usd', label: 'Cost', type: 'usd' }], models.rows, { sortKey: 'cost_usd' }),
    perDev.card,
    tableCard('Developer × model cost', 'model-matrix',
      [{ key: 'person', label: 'Developer', type: 'text' }, ...names.map((m) => ({ key: m, label: m, type: 'usd' })),
        { key: 'total', label: 'Total', type: 'usd' }], matrix));
  node.draw = () => {
    pie(costPie.box, models.rows.map((r) => ({ name: r.key, value: Number(r.cost_usd) })), '$');
    pie(callsPie.box, models.rows.map((r) => ({ name: r.key, value: r.requests })));
    stackedBars(perDev.box, matrix.map((r) => r.person), names.map((m) => ({ name: m, data: matrix.map((r) => Number(r[m])) })), '$');
  };
  return node;
}

function fromNanos(n) {
  const s = n.toString().padStart(10, '0');
  return s.slice(0, -9) + '.' + s.slice(-9);
}
