/**
 * 预收未耗 (owner): every live order with sessions left — what is left, what
 * it is worth at the agreed price, and how long since the last session —
 * sortable by any column and exported as CSV or Excel. The customers at the
 * top are the ones most at risk of feeling cheated and the cheapest to bring back.
 */
import { call } from '../api.js';
import { h, replace, saveExport, toast } from '../dom.js';
import { yuan } from '../format.js';

/** Columns: [header, how a row sorts by it (number or text)]. */
const COLUMNS = [
  ['客户', (r) => r.name],
  ['顾问', (r) => r.consultant || ''],
  ['开单日期', (r) => r.order_date],
  ['项目（剩余/共）', (r) => r.lines.map((l) => l.item).join('、')],
  ['剩余次数', (r) => r.sessions_left],
  ['未耗金额', (r) => Number(r.value_left)],
  ['上次划扣', (r) => r.last_session || ''],
  ['未到院天数', (r) => r.days_since],
];

/** @param {HTMLElement} main */
export async function renderPrepaid(main) {
  replace(main, h('h1', {}, '预收未耗'), h('p', { class: 'progress' }, '正在整理未做完的疗程…'));
  const data = await call('prepaid.list');
  let sortBy = 7;
  let descending = true;
  const body = h('tbody', {});
  const heads = COLUMNS.map(([label], i) => h('th', {
    class: 'sort-head', tabindex: '0', scope: 'col',
    onclick: () => sort(i), onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(i); } },
  }, label));
  const fill = () => {
    const key = COLUMNS[sortBy][1];
    const rows = [...data.rows].sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      const c = typeof x === 'number' ? x - y : String(x).localeCompare(String(y), 'zh-CN');
      return descending ? -c : c;
    });
    heads.forEach((th, i) => {
      if (i === sortBy) th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
      th.textContent = `${COLUMNS[i][0]}${i === sortBy ? (descending ? ' ↓' : ' ↑') : ''}`;
    });
    replace(body, rows.map((r) => h('tr', { dataset: { order: String(r.order_id) }, onclick: () => { location.hash = `#/customers/${r.customer_id}`; } },
      h('td', { class: 'name-cell' }, r.name, h('div', { class: 'hint phone' }, r.phone)),
      h('td', {}, r.consultant || '—'),
      h('td', { class: 'phone' }, r.order_date),
      h('td', {}, r.lines.map((l) => `${l.item} ${l.left}/${l.sessions}`).join('、')),
      h('td', { class: 'num' }, String(r.sessions_left)),
      h('td', { class: 'num' }, yuan(r.value_left)),
      h('td', { class: 'phone' }, r.last_session || '还没做过'),
      h('td', { class: `num${r.days_since >= data.package_days ? ' alert' : ''}` }, `${r.days_since} 天`))));
  };
  const sort = (i) => {
    descending = i === sortBy ? !descending : true;
    sortBy = i;
    fill();
  };
  const exportAs = async (format) => {
    try {
      const out = await call('prepaid.export', { format });
      saveExport(out);
      toast(`已导出 ${out.filename}`);
    } catch (e) { toast(e.message, 'error'); }
  };
  fill();
  replace(main,
    h('div', { class: 'page-head' },
      h('h1', {}, '预收未耗'),
      h('span', { class: 'hint', id: 'prepaid-summary' }, `${data.as_of} · ${data.orders} 张订单 · 未做 ${data.sessions} 次 · ${yuan(data.value)}`),
      h('span', { class: 'spacer' }),
      h('button', { type: 'button', id: 'prepaid-csv', onclick: () => exportAs('csv') }, '导出 CSV'),
      h('button', { type: 'button', class: 'primary', id: 'prepaid-xlsx', onclick: () => exportAs('xlsx') }, '导出 Excel')),
    h('p', { class: 'hint' }, `客户已付款、疗程还没做完的订单。未耗金额 = 每个项目的成交价 × 剩余次数 ÷ 总次数（逐项四舍五入到分）。超过 ${data.package_days} 天没来做的标红，回访清单会自动生成「疗程邀约」。点表头排序，点一行打开客户档案。`),
    data.rows.length
      ? h('table', { class: 'list', id: 'prepaid-table' }, h('thead', {}, h('tr', {}, heads)), body)
      : h('div', { class: 'panel empty', id: 'prepaid-empty' }, '没有未做完的疗程。'));
}
