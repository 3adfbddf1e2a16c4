// The one way the dashboard reads: GET /api/… with the view's filters, JSON back or a thrown error.

export class ApiFailure extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

export async function get(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const url = '/api/' + path + (q.toString() ? '?' + q : '');
  const res = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  if (res.status === 401) { location.href = '/login'; throw new ApiFailure(401, 'log in first'); }
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiFailure(res.status, body?.error?.message ?? res.statusText);
  return body;
}

/** Sends a write with the session's CSRF token (only needed when login is on). */
export async function post(path, csrf, body) {
  const headers = { 'content-type': 'application/json' };
  if (csrf) headers['x-csrf-token'] = csrf;
  return fetch('/api/' + path, { method: 'POST', headers, credentials: 'same-origin', body: body ? JSON.stringify(body) : undefined });
}
