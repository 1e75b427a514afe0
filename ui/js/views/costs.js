/**
 * 获客成本 (设置, owner): what each channel cost per month, for 经营分析's cost
 * per new customer and 流失成本. One month at a time: an amount per channel
 * (the channels customers came through, plus any the owner adds), saved
 * together; a blank removes that month's amount. Below, the months entered.
 * A file of 月份、渠道、金额 imports through 导入数据.
 */
import { monthInput } from '../dates.js';
import { call } from '../api.js';
import { h, replace, toast } from '../dom.js';
import { monthPlus, yuan } from '../format.js';

/**
 * @param {HTMLElement} panel
 * @param {string} [month] the month shown (last month by default)
 */
export async function renderCostsPanel(panel, month) {
  const data = await call('costs.list');
  const shown = month || monthPlus(data.this_month, -1);
  const of = (m, ch) => data.costs.find((c) => c.month === m && c.channel === ch)?.amount ?? '';
  const channels = [...data.channels];
  const grid = h('div', { class: 'costs-grid', id: 'costs-grid' });
  const inputs = new Map();
  const addRow = (ch) => {
    const input = h('input', { type: 'text', inputmode: 'decimal', class: 'money-input', value: of(shown, ch), placeholder: '未录入', 'aria-label': `${ch} ${shown} 的花费`, dataset: { channel: ch } });
    inputs.set(ch, input);
    grid.append(h('label', { class: 'cost-field' }, h('span', { class: 'cost-channel' }, ch), h('span', { class: 'yen' }, '¥'), input));
    return input;
  };
  channels.forEach(addRow);
  const addChannel = () => {
    const ch = newChannel.value.trim();
    if (!ch) return;
    if (inputs.has(ch)) { inputs.get(ch).focus(); return; }
    addRow(ch).focus();
    newChannel.value = '';
  };
  const newChannel = h('input', { type: 'text', id: 'costs-new-channel', placeholder: '其他渠道名称', maxlength: 40, 'aria-label': '其他渠道名称',
    onkeydown: (e) => { if (e.key === 'Enter') { e.preventDefault(); addChannel(); } } });
  const picker = monthInput({ id: 'costs-month', value: shown, max: data.this_month, label: '月份',
    onchange: () => picker.value && renderCostsPanel(panel, picker.value).catch((e) => toast(e.message, 'error')) });

  const save = async (e) => {
    e.preventDefault();
    const entries = [...inputs].map(([channel, input]) => ({ month: shown, channel, amount: input.value.trim() || null }))
      .filter((x) => x.amount !== null || of(shown, x.channel) !== '');
    if (!entries.length) { toast('没有要保存的金额'); return; }
    try {
      const r = await call('costs.save', { entries });
      toast(`已保存 ${shown} 的获客成本：新增 ${r.created}，修改 ${r.updated}，清除 ${r.removed}`);
      await renderCostsPanel(panel, shown);
    } catch (err) { toast(err.message, 'error'); }
  };

  const months = [...new Set(data.costs.map((c) => c.month))].slice(0, 12);
  const named = [...new Set(data.costs.map((c) => c.channel))];
  const history = months.length
    ? h('table', { class: 'list', id: 'costs-table' },
      h('thead', {}, h('tr', {}, h('th', {}, '月份'), named.map((ch) => h('th', { class: 'num', scope: 'col' }, ch)))),
      h('tbody', {}, months.map((m) => h('tr', { class: m === shown ? 'current' : '', onclick: () => renderCostsPanel(panel, m) },
        h('th', { scope: 'row' }, m), named.map((ch) => h('td', { class: 'num' }, of(m, ch) === '' ? '—' : yuan(of(m, ch))))))))
    : h('p', { class: 'empty' }, '还没有录入任何月份。');

  replace(panel,
    h('h2', {}, '获客成本'),
    h('p', { class: 'hint' }, '每个渠道每月的推广花费（投放、平台佣金、地推等），经营分析用它算每位新客的成本和流失新客的成本。金额清空即删除该月该渠道的记录。也可在下方「导入数据」中选择「获客成本」，导入 月份、渠道、金额 三列的 Excel 或 CSV 文件。'),
    h('form', { id: 'costs-form', onsubmit: save },
      h('div', { class: 'inline-form' }, h('label', {}, '月份 ', picker)),
      grid,
      h('div', { class: 'inline-form' }, newChannel,
        h('button', { type: 'button', id: 'costs-add-channel', onclick: addChannel }, '添加渠道'),
        h('span', { class: 'spacer' }),
        h('button', { type: 'submit', class: 'primary', id: 'costs-save' }, `保存 ${shown}`))),
    h('h3', {}, '已录入（最近 12 个月，点一行修改）'),
    history);
}
