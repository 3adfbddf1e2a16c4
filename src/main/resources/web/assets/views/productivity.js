// Productivity from Claude Code telemetry: sessions, lines, commits, PRs, and what they cost.
import { get } from '../api.js';
import { tableCard } from '../table.js';
import { bars } from '../charts.js';
import { page, chartCard, daysOf } from './common.js';

export async function render(ctx) {
  const a = await get('activity', { days: ctx.params.days, from: ctx.params.from, to: ctx.params.to, person: ctx.params.person, team: ctx.params.team });
  const days = daysOf(a);
  const dau = new Map(a.daily_active_users.map((d) => [d.day, d.users]));
  const chart = chartCard('Daily active developers', 'dau', [], true);
  const rows = a.rows.map((r) => ({ ...r, edit_accept_pct: r.edit_accept_rate === null ? null : r.edit_accept_rate * 100 }));
  const node = page('Productivity', chart.card, tableCard('Per developer', 'productivity', [
    { key: 'key', label: 'Developer', type: 'text', link: (r) => ctx.link('person', r.key) },
    { key: 'sessions', label: 'Sessions', type: 'int' },
    { key: 'active_hours', label: 'Active h', type: 'int' },
    { key: 'lines_added', label: 'Lines +', type: 'int' },
    { key: 'lines_removed', label: 'Lines −', type: 'int' },
    { key: 'commits', label: 'Commits', type: 'int' },
    { key: 'pull_requests', label: 'PRs', type: 'int' },
    { key: 'edit_accept_pct', label: 'Edits accepted', type: 'pct' },
    { key: 'cost_usd', label: 'Cost', type: 'usd' },
    { key: 'cost_per_pr_usd', label: 'Cost / PR', type: 'usd' },
    { key: 'cost_per_1k_lines_usd', label: 'Cost / 1k lines', type: 'usd' },
  ], rows, { sortKey: 'cost_usd' }));
  node.draw = () => bars(chart.box, days, days.map((d) => dau.get(d) ?? 0), 'Active developers');
  return node;
}
