// One developer: their models, hours, sessions, most expensive requests and the budgets over them.
import { get } from '../api.js';
import { el, usd, int } from '../format.js';
import { tableCard } from '../table.js';
import { heatmap } from '../charts.js';
import { kpi, page, chartCard, spentBySource } from './common.js';
import { weekdayHour } from './hours.js';

export async function render(ctx) {
  const name = ctx.arg;
  const p = { ...ctx.params, person: name };
  const [models, hours, sessions, top, who] = await Promise.all([
    get('usage', { ...p, by: 'model' }),
    get('usage', { ...p, by: 'hour' }),
    get('usage', { ...p, by: 'session' }),
    get('top', { ...p, limit: 10 }),
    get('people/' + encodeURIComponent(name), {}).catch(() => ({ name, team: null, aliases: [], budgets: [] })),
  ]);
  const grid = el('div', { class: 'grid' },
    kpi('Cost', usd(models.total.cost_usd), 'person-cost'),
    kpi('Calls', int(models.total.requests), 'person-requests'),
    kpi('Sessions', int(sessions.rows.length), 'person-sessions'));
  const facts = el('p', { class: 'muted' }, 'Team: ', who.team ?? '—', ' · identities: ',
    ...(who.aliases.length ? who.aliases.map((a) => el('span', { class: 'tag', text: a })) : ['—']));
  const heat = chartCard('Hours (cost), ' + hours.timezone, 'person-hours', [], true);
  const node = page(name, facts, grid,
    tableCard('Models', 'person-models', [
      { key: 'key', label: 'Model', type: 'text' }, { key: 'requests', label: 'Calls', type: 'int' },
      { key: 'total_tokens', label: 'Tokens', type: 'int' }, { key: 'cost_usd', label: 'Cost', type: 'usd' }], models.rows),
    heat.card,
    tableCard('Sessions', 'person-sessions', [
      { key: 'key', label: 'Session', type: 'text' }, { key: 'requests', label: 'Calls', type: 'int' },
      { key: 'total_tokens', label: 'Tokens', type: 'int' }, { key: 'cost_usd', label: 'Cost', type: 'usd' }], sessions.rows.slice(0, 50)),
    tableCard('Most expensive requests', 'person-top', [
      { key: 'time', label: 'Time', type: 'text' }, { key: 'model', label: 'Model', type: 'text' },
      { key: 'output_tokens', label: 'Output', type: 'int' }, { key: 'cost_usd', label: 'Cost', type: 'usd' },
      { key: 'request_id', label: 'Request', type: 'text' }], top.requests),
    tableCard('Budgets', 'person-budgets', [
      { key: 'name', label: 'Budget', type: 'text' }, { key: 'scope', label: 'Scope', type: 'text' },
      { key: 'period', label: 'Period', type: 'text' },
      { key: 'spent', label: 'Spent', type: 'text', value: (b) => b.unit === 'usd' ? b.spent_usd : b.spent_tokens },
      { key: 'limit', label: 'Limit', type: 'text', value: (b) => b.unit === 'usd' ? b.limit_usd : b.limit_tokens },
      { key: 'percent', label: 'Used', type: 'pct' },
      { key: 'sources', label: 'By source', type: 'text', value: spentBySource }], who.budgets, { empty: 'No budget covers them.' }));
  node.draw = () => {
    const { days, cells, max } = weekdayHour(hours.rows);
    heatmap(heat.box, days, cells, max);
  };
  return node;
}
