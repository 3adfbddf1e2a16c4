// Cost per developer: a sortable table with a sparkline of daily cost per row; a name opens their page.
import { get } from '../api.js';
import { tableCard } from '../table.js';
import { page, daysOf } from './common.js';

export async function render(ctx) {
  const [people, series] = await Promise.all([
    get('usage', { ...ctx.params, by: 'person' }),
    get('usage', { ...ctx.params, by: 'day', split: 'person' }),
  ]);
  const days = daysOf(people);
  const index = new Map(days.map((d, i) => [d, i]));
  const spark = new Map(people.rows.map((r) => [r.key, days.map(() => 0)]));
  for (const r of series.rows) {
    const s = spark.get(r.split);
    if (s && index.has(r.key)) s[index.get(r.key)] += Number(r.cost_usd);
  }
  const total = Number(people.total.cost_usd) || 1;
  const rows = people.rows.map((r) => ({ ...r, share_pct: (Number(r.cost_usd) / total) * 100, spark: spark.get(r.key) }));
  return page('Developers', tableCard('Cost per developer, ' + people.from + ' to ' + people.to, 'developers', [
    { key: 'key', label: 'Developer', type: 'text', link: (r) => ctx.link('person', r.key) },
    { key: 'requests', label: 'Calls', type: 'int' },
    { key: 'total_tokens', label: 'Tokens', type: 'int' },
    { key: 'cache_read_tokens', label: 'Cache read', type: 'int' },
    { key: 'output_tokens', label: 'Output', type: 'int' },
    { key: 'failed_requests', label: 'Failed', type: 'int' },
    { key: 'cost_usd', label: 'Cost', type: 'usd' },
    { key: 'share_pct', label: 'Share', type: 'pct' },
    { key: 'spark', label: 'Daily cost', type: 'spark' },
  ], rows, { sortKey: 'cost_usd' }));
}
