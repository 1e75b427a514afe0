/** How money and times are shown to staff. */

/** "¥1,234.50" from a money string. */
export function yuan(money) {
  if (money == null) return '—';
  const [int, dec] = String(money).replace('-', '').split('.');
  const sign = String(money).startsWith('-') ? '-' : '';
  return `${sign}¥${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${dec && dec !== '00' ? `.${dec}` : ''}`;
}

/** Local HH:MM of a UTC timestamp. */
export function clockTime(utc) {
  const d = new Date(utc);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false });
}
