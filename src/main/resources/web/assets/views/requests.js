// The most expensive requests, newest first among equals, fetched a page at a time.
import { get } from '../api.js';
import { el } from '../format.js';
import { tableCard } from '../table.js';
import { page } from './common.js';

const PAGE = 50;

export async function render(ctx) {
  const first = await get('top', { ...ctx.params, limit: PAGE });
  let next = first.next_cursor;
  const more = el('button', { type: 'button', 'data-testid': 'more', text: 'Load more' });
  const card = tableCard('Most expensive requests, ' + first.from + ' to ' + first.to, 'requests', [
    { key: 'time', label: 'Time (UTC)', type: 'text' },
    { key: 'person', label: 'Developer', type: 'text', link: (r) => ctx.link('person', r.person) },
    { key: 'model', label: 'Model', type: 'text' },
    { key: 'source', label: 'Source', type: 'text' },
    { key: 'input_tokens', label: 'Input', type: 'int' },
    { key: 'cache_write_5m_tokens', label: 'Cache write 5m', type: 'int' },
    { key: 'cache_write_1h_tokens', label: 'Cache write 1h', type: 'int' },
    { key: 'cache_read_tokens', label: 'Cache read', type: 'int' },
    { key: 'output_tokens', label: 'Output', type: 'int' },
    { key: 'cost_usd', label: 'Cost', type: 'usd' },
    { key: 'status', label: 'Status', type: 'text' },
    { key: 'request_id', label: 'Request id', type: 'text' },
  ], first.requests, { footer: el('p', {}, more) });
  more.hidden = !next;
  more.addEventListener('click', async () => {
    more.disabled = true;
    const p = await get('top', { ...ctx.params, limit: PAGE, cursor: next });
    next = p.next_cursor;
    card.addRows(p.requests);
    more.disabled = false;
    more.hidden = !next;
  });
  return page('Requests', card);
}
