// Formatting at the edge. Money arrives as exact decimal strings of dollars and is rounded to
// cents with integer arithmetic (BigInt), half up, as the CLI's tables do: never through a float.

export function usd(decimal) {
  if (decimal === null || decimal === undefined) return '—';
  let s = String(decimal);
  const neg = s.startsWith('-');
  if (neg) s = s.slice(1);
  const [whole, frac = ''] = s.split('.');
  const nanos = BigInt(whole || '0') * 1000000000n + BigInt((frac + '000000000').slice(0, 9));
  const cents = (nanos + 5000000n) / 10000000n;
  const text = (cents / 100n).toLocaleString('en-US') + '.' + (cents % 100n).toString().padStart(2, '0');
  return (neg && cents !== 0n ? '-$' : '$') + text;
}

/** Dollars as a number, for chart geometry only. */
export function dollars(decimal) {
  return decimal === null || decimal === undefined ? 0 : Number(decimal);
}

export function int(n) {
  return n === null || n === undefined ? '—' : Number(n).toLocaleString('en-US');
}

/** 1234567 → "1.2M", for axes. */
export function compact(n) {
  return Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

export function pct(x) {
  return x === null || x === undefined ? '—' : Number(x).toFixed(1) + '%';
}

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
  return e;
}
