/** How money and times are shown to staff. */

/** "¥1,234.50" from a money string. */
export function yuan(money) {
  if (money == null) return '—';
  const [int, dec] = String(money).replace('-', '').split('.');
  const sign = String(money).startsWith('-') ? '-' : '';
  return `${sign}¥${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${dec && dec !== '00' ? `.${dec}` : ''}`;
}

/** "2026-11" for the month `n` months after `month` (negative: before). */
export function monthPlus(month, n) {
  const [y, m] = month.split('-').map(Number);
  const k = y * 12 + (m - 1) + n;
  return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
}

/** Local HH:MM of a UTC timestamp. */
export function clockTime(utc) {
  const d = new Date(utc);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false });
}

/** Fen from a money string as staff type it ("1,234.5", "¥1234"), for sums on the screen only (the core decides). */
export function fen(money) {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(money || '').replace(/[,，¥￥\s]/g, ''));
  if (!m) return NaN;
  return (m[1] ? -1 : 1) * (Number(m[2]) * 100 + Number((m[3] || '0').padEnd(2, '0')));
}

/** "1234.50" from fen. */
export function fenText(f) {
  const sign = f < 0 ? '-' : '';
  const a = Math.abs(f);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}
