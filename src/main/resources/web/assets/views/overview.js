// Overview: today and this month, unpriced requests (loud), budgets nearest their limit, alerts.
import { get } from '../api.js';
import { el, usd, int } from '../format.js';
import { tableCard } from '../table.js';
import { bars } from '../charts.js';
import { kpi, page, chartCard, daysOf, spentBySource } from './common.js';

export async function render(ctx) {
  const filters = { team: ctx.params.team, person: ctx.params.person, model: ctx.params.model, source: ctx.params.source };
  const [o, daily, alerts] = await Promise.all([get('overview', filters), get('usage', { ...ctx.params, by: 'day' }), get('alerts').catch(() => ({ firing: [], history: [] }))]);
  const grid = el('div', { class: 'grid' },
    kpi('Cost today', usd(o.cost_today_usd), 'cost-today'),
    kpi('Cost this month', usd(o.cost_month_usd), 'cost-month'),
    kpi('Projected month', usd(o.projected_month_usd), 'projected-month'),
    kpi('Requests today', int(o.requests_today), 'requests-today'),
    kpi('Active developers today', int(o.active_users_today), 'active-users-today'),
    kpi('Unpriced requests this month', int(o.unpriced_requests_month), 'unpriced', o.unpriced_requests_month > 0));
  const unpriced = o.unpriced_models.length
    ? el('section', { class: 'card error', 'data-testid': 'unpriced-models' }, 'Models without a price (their cost is not counted): ',
      ...o.unpriced_models.map((m) => el('span', { class: 'tag', text: `${m.model} × ${int(m.requests)}` })))
    : null;
  const budgetTable = tableCard('Budgets nearest their limit', 'budgets', [
    { key: 'name', label: 'Budget', type: 'text' },
    { key: 'who', label: 'For', type: 'text', value: (b) => b.scope === 'org' ? 'organization' : `${b.scope} ${b.subject}` },
    { key: 'period', label: 'Period', type: 'text' },
    { key: 'spent', label: 'Spent', type: 'text', value: (b) => b.unit === 'usd' ? usd(b.spent_usd) : int(b.spent_tokens) + ' tokens' },
    { key: 'limit', label: 'Limit', type: 'text', value: (b) => b.unit === 'usd' ? usd(b.limit_usd) : int(b.limit_tokens) + ' tokens' },
    { key: 'percent', label: 'Used', type: 'pct' },
    { key: 'sources', label: 'By source', type: 'text', value: spentBySource },
  ], o.budgets, { empty: 'No budgets. Set one with: tally budgets set' });
  budgetTable.querySelectorAll('tbody tr').forEach((tr, i) => {
    const b = o.budgets[i];
    if (!b) return;
    const bar = el('div', { class: 'bar' + (b.percent >= 100 ? ' bad' : b.percent >= b.threshold_pct ? ' warn' : '') }, el('span'));
    bar.firstChild.style.width = Math.min(100, b.percent) + '%';
    tr.append(el('td', {}, bar));
  });
  const alertTable = tableCard('Alerts firing', 'alerts', [
    { key: 'since', label: 'Since', type: 'text' }, { key: 'rule', label: 'Rule', type: 'text' },
    { key: 'who', label: 'Who', type: 'text' }, { key: 'scope', label: 'Scope', type: 'text' },
  ], alerts.firing ?? [], { empty: 'Nothing firing.' });
  const days = daysOf(daily);
  const byDay = new Map(daily.rows.map((r) => [r.key, Number(r.cost_usd)]));
  const trend = chartCard('Daily cost, ' + daily.from + ' to ' + daily.to, 'overview-daily', [], true);
  const node = page('Overview', grid, unpriced, trend.card, el('div', { class: 'two' }, budgetTable, alertTable));
  node.draw = () => bars(trend.box, days, days.map((d) => byDay.get(d) ?? 0), 'Cost', '$');
  return node;
}
