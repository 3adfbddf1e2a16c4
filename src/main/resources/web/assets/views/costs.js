// Costs over time: daily cost stacked by developer, model, team, project, cost center or region; tokens by class; calls per day.
import { get } from '../api.js';
import { tableCard } from '../table.js';
import { stackedBars, areas, bars } from '../charts.js';
import { page, chartCard, daysOf, stack, select } from './common.js';

const STACKS = [['person', 'by developer'], ['model', 'by model'], ['team', 'by team'], ['project', 'by project'],
  ['cost-center', 'by cost center'], ['region', 'by region']];

export async function render(ctx) {
  const split = STACKS.some(([v]) => v === ctx.query.get('stack')) ? ctx.query.get('stack') : 'person';
  const [series, daily] = await Promise.all([
    get('usage', { ...ctx.params, by: 'day', split }),
    get('usage', { ...ctx.params, by: 'day' }),
  ]);
  const days = daysOf(daily);
  const byDay = new Map(daily.rows.map((r) => [r.key, r]));
  const cost = chartCard('Daily cost', 'daily-cost', [select('stack', STACKS, split, (v) => ctx.set('stack', v), 'stack-by')]);
  const tokens = chartCard('Tokens by class', 'tokens');
  const calls = chartCard('Calls per day', 'calls', [], true);
  const table = tableCard('Per day', 'days', [
    { key: 'key', label: 'Day', type: 'text' },
    { key: 'requests', label: 'Calls', type: 'int' },
    { key: 'input_tokens', label: 'Input', type: 'int' },
    { key: 'cache_write_tokens', label: 'Cache write', type: 'int' },
    { key: 'cache_read_tokens', label: 'Cache read', type: 'int' },
    { key: 'output_tokens', label: 'Output', type: 'int' },
    { key: 'cost_usd', label: 'Cost', type: 'usd' },
  ], daily.rows, { sortKey: 'key' });
  const node = page('Costs', cost.card, tokens.card, calls.card, table);
  node.draw = () => {
    stackedBars(cost.box, days, stack(series.rows, days, (r) => Number(r.cost_usd)), '$');
    const cls = (name, f) => ({ name, data: days.map((d) => (byDay.has(d) ? f(byDay.get(d)) : 0)) });
    areas(tokens.box, days, [
      cls('input', (r) => r.input_tokens), cls('output', (r) => r.output_tokens),
      cls('cache write', (r) => r.cache_write_tokens), cls('cache read', (r) => r.cache_read_tokens)]);
    bars(calls.box, days, days.map((d) => byDay.get(d)?.requests ?? 0), 'Calls');
  };
  return node;
}
