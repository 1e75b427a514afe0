/**
 * 经营报表: the month's key figures as cards against the seed targets, 13-month
 * trends, the tier distribution against last month, a drill-down from a
 * figure to the customers behind it, and the export (CSV, Excel).
 */
import { monthInput } from '../dates.js';
import { showDrill } from '../drill.js';
import { call } from '../api.js';
import { h, replace, saveExport, toast } from '../dom.js';
import { yuan } from '../format.js';
import { SCHEMES } from './tiers.js';
import { COLORS, figure, pct, roundTop, s } from '../charts.js';

/**
 * A small chart: bars (stacked) or lines over the 13 months.
 * @param {{title: string, months: string[], series: Array<{name: string, values: Array<number|null>}>, kind: 'bars'|'lines', percent?: boolean}} c
 */
function chart(c) {
  const W = 560; const H = 220; const L = 48; const B = 28; const T = 12;
  const values = c.kind === 'bars'
    ? c.months.map((_, i) => c.series.reduce((sum, se) => sum + Math.max(0, se.values[i] || 0), 0))
    : c.series.flatMap((se) => se.values.filter((v) => v != null));
  const max = c.percent ? 1 : roundTop(Math.max(1, ...values));
  const x = (i) => L + (i + 0.5) * ((W - L - 8) / c.months.length);
  const y = (v) => H - B - (v / max) * (H - B - T);
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => s('g', {},
    s('line', { x1: L, x2: W - 8, y1: y(f * max), y2: y(f * max), stroke: '#e3e8e5' }),
    s('text', { x: L - 6, y: y(f * max) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#5d6b66' }, c.percent ? `${Math.round(f * 100)}%` : Math.round(f * max).toLocaleString('zh-CN'))));
  const labels = c.months.map((m, i) => s('text', { x: x(i), y: H - 8, 'text-anchor': 'middle', 'font-size': 11, fill: '#5d6b66' }, i % 2 === 0 || i === c.months.length - 1 ? m.slice(2) : ''));
  let body;
  if (c.kind === 'bars') {
    const w = ((W - L - 8) / c.months.length) * 0.6;
    body = c.months.map((_, i) => {
      let base = 0;
      return c.series.map((se, k) => {
        const v = Math.max(0, se.values[i] || 0);
        const rect = s('rect', { x: x(i) - w / 2, y: y(base + v), width: w, height: Math.max(0, y(base) - y(base + v)), fill: COLORS[k] },
          s('title', {}, `${c.months[i]} ${se.name}：${v}`));
        base += v;
        return rect;
      });
    });
  } else {
    body = c.series.map((se, k) => {
      const pts = se.values.map((v, i) => (v == null ? null : `${x(i)},${y(v)}`)).filter(Boolean).join(' ');
      return s('g', {}, s('polyline', { points: pts, fill: 'none', stroke: COLORS[k], 'stroke-width': 2.5 }),
        se.values.map((v, i) => (v == null ? null : s('circle', { cx: x(i), cy: y(v), r: 3, fill: COLORS[k] }, s('title', {}, `${c.months[i]} ${se.name}：${pct(v)}`)))));
    });
  }
  return figure(c.title, c.series.map((se) => se.name), s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': c.title }, grid, body, labels));
}

/**
 * @param {HTMLElement} main
 * @param {URLSearchParams} query
 */
export async function renderReport(main, query) {
  replace(main, h('h1', {}, '经营报表'), h('p', { class: 'progress' }, '正在按月计算（13 个月）…'));
  const data = await call('report.monthly', { month: query.get('month') || '' });
  const f = data.figures;
  const last = data.history[11];
  const months = data.history.map((m) => m.month);
  const drill = h('div', { id: 'drill' });
  const satisfactionBox = h('div', { class: 'panel', id: 'satisfaction-panel' });
  const picker = monthInput({ id: 'report-month', value: data.month, max: data.today.slice(0, 7), label: '月份', onchange: () => { location.hash = `#/reports?month=${picker.value}`; } });

  /** What each drill-down lists, said as the list (the card names the figure). */
  const LISTS = {
    retention_lost: `去年来过、近12个月没有再来的客户`,
    cohort_not_returned: `3个月前的新客中，90天内没有再来的`,
    new: `${data.month} 第一次到院的新客`,
    returning: `${data.month} 到院的老客`,
    dormant: `${data.month} 月末沉睡的客户`,
    reactivated: `${data.month} 隔了180天以上又来的客户`,
  };

  const showWho = async (who, title) => {
    replace(drill, h('p', { class: 'progress' }, '正在列出客户…'));
    try {
      const list = await call('report.who', { month: data.month, who });
      showDrill(drill, { id: 'drill', title, list, exportCmd: 'report.who_export', exportArgs: { month: data.month, who }, today: data.today });
    } catch (e) { replace(drill); toast(e.message, 'error'); }
  };

  const card = (label, value, opts = {}) => {
    const target = opts.target;
    const cls = target == null || value == null ? '' : value >= target ? ' good' : ' short';
    return h(opts.who ? 'button' : 'div', {
      type: opts.who ? 'button' : null, class: `card figure${cls}`, dataset: { key: opts.key || '' },
      onclick: opts.who ? () => showWho(opts.who, LISTS[opts.who] || label) : null,
    },
    h('div', { class: 'label' }, label),
    h('div', { class: 'value' }, opts.text ?? (opts.percent ? pct(value) : String(value))),
    // The target stays on a card that also has a note.
    h('div', { class: 'hint' }, [opts.note, target != null ? `目标 ${pct(target)}` : '', opts.who ? '点击看名单' : ''].filter(Boolean).join(' · ')));
  };

  const exportAs = async (format) => {
    try {
      const out = await call('report.export', { month: data.month, format });
      saveExport(out);
      toast(`已导出 ${out.filename}`);
    } catch (e) { toast(e.message, 'error'); }
  };

  const tierRows = Object.entries(SCHEMES).map(([scheme, [name, labels]]) => h('tr', {},
    h('th', {}, name),
    h('td', {}, labels.map(([k, l]) => {
      const now = f.tiers[scheme][k];
      const delta = now - last.tiers[scheme][k];
      return h('span', { class: 'tier-count' }, `${l} ${now}`, delta ? h('span', { class: delta > 0 ? 'up' : 'down' }, ` ${delta > 0 ? '+' : ''}${delta}`) : null);
    }))));

  replace(main,
    h('div', { class: 'page-head' },
      h('h1', {}, '经营报表'), picker,
      h('span', { class: 'spacer' }),
      h('button', { type: 'button', id: 'export-csv', onclick: () => exportAs('csv') }, '导出 CSV'),
      h('button', { type: 'button', class: 'primary', id: 'export-xlsx', onclick: () => exportAs('xlsx') }, '导出 Excel')),
    h('div', { class: 'cards', id: 'report-cards' },
      card('12个月留存率', f.retention_rate_12m, { percent: true, target: data.targets.retention_rate_12m, key: 'retention_rate_12m', who: 'retention_lost', note: `${f.retained_12m} / ${f.retention_base_12m} 位` }),
      card('老客消费占比', f.repeat_revenue_share, { percent: true, target: data.targets.repeat_revenue_share, key: 'repeat_revenue_share' }),
      card('回访完成率', f.callback_completion_rate, { percent: true, target: data.targets.callback_completion_rate, key: 'callback_completion_rate', note: `${f.callbacks_done} / ${f.callbacks_due} 通，按时 ${f.callbacks_on_time}` }),
      card('新客90天回头率', f.new_return_rate_90d, { percent: true, key: 'new_return_rate_90d', who: 'cohort_not_returned', note: `${f.new_returned_90d} / ${f.new_return_cohort} 位（3个月前的新客）` }),
      card('离院预约率', f.rebooked_rate, { percent: true, key: 'rebooked_rate', note: `到院 ${f.visits} 人次中，当天约好下次的占比` }),
      card('净收入', null, { text: yuan(f.revenue), key: 'revenue', note: `到院 ${f.visits} 人次` }),
      card('新客', f.new_customers, { key: 'new_customers', who: 'new', note: `老带新 ${f.referrals} 位` }),
      card('老客', f.returning_customers, { key: 'returning_customers', who: 'returning' }),
      card('沉睡客户', f.dormant_customers, { key: 'dormant_customers', who: 'dormant', note: '月末' }),
      card('唤醒客户', f.reactivated_customers, { key: 'reactivated_customers', who: 'reactivated', note: '间隔 ≥180 天后再到院' }),
      card('用券', f.vouchers_redeemed, { key: 'vouchers_redeemed', note: `面额 ${yuan(f.voucher_value_redeemed)} · 本月发券 ${f.vouchers_issued} 张` }),
      card('月末未用券', null, { text: yuan(f.vouchers_outstanding), key: 'vouchers_outstanding', note: '有效期内、未使用的券面额' }),
      card('满意度', null, { text: f.satisfaction_avg == null ? '—' : `${f.satisfaction_avg.toFixed(2)} 分`, key: 'satisfaction_avg', note: `${f.satisfaction_responses} 通打分，不满意（1–2 分）${f.dissatisfied} 通` }),
      h('a', { class: 'card figure', href: '#/prepaid', dataset: { key: 'prepaid_value_outstanding' } },
        h('div', { class: 'label' }, '月末预收未耗'),
        h('div', { class: 'value' }, yuan(f.prepaid_value_outstanding)),
        h('div', { class: 'hint' }, `未做的疗程 ${f.prepaid_sessions_outstanding} 次 · 点击看明细`))),
    drill,
    h('div', { class: 'charts' },
      chart({ title: '新客与老客', months, kind: 'bars', series: [
        { name: '新客', values: data.history.map((m) => m.new_customers) },
        { name: '老客', values: data.history.map((m) => m.returning_customers) }] }),
      chart({ title: '净收入（元）', months, kind: 'bars', series: [
        { name: '老客', values: data.history.map((m) => Number(m.revenue) * (m.repeat_revenue_share ?? 0)) },
        { name: '新客', values: data.history.map((m) => Number(m.revenue) * (1 - (m.repeat_revenue_share ?? 0))) }] }),
      chart({ title: '留存与回头', months, kind: 'lines', percent: true, series: [
        { name: '12个月留存率', values: data.history.map((m) => m.retention_rate_12m) },
        { name: '新客90天回头率', values: data.history.map((m) => m.new_return_rate_90d) },
        { name: '离院预约率', values: data.history.map((m) => m.rebooked_rate) }] }),
      chart({ title: '回访完成率与老客消费占比', months, kind: 'lines', percent: true, series: [
        { name: '回访完成率', values: data.history.map((m) => m.callback_completion_rate) },
        { name: '老客消费占比', values: data.history.map((m) => m.repeat_revenue_share) }] })),
    h('div', { class: 'panel' },
      h('h2', {}, `客户分层（${data.month} 月末，对比上月）`),
      h('table', { class: 'tier-table', id: 'tier-table' }, h('tbody', {}, tierRows))),
    satisfactionBox);
  renderSatisfaction(satisfactionBox, data.month).catch((e) => replace(satisfactionBox, h('p', { class: 'hint' }, e.message)));
}

/**
 * The month's satisfaction by doctor and by consultant (SPEC §9).
 * @param {HTMLElement} box
 * @param {string} month
 */
async function renderSatisfaction(box, month) {
  const data = await call('report.satisfaction', { month });
  const table = (title, id, rows) => h('div', {},
    h('h3', {}, title),
    rows.length ? h('table', { class: 'list', id },
      h('thead', {}, h('tr', {}, ['', '打分通数', '平均', '不满意（1–2 分）'].map((t) => h('th', {}, t)))),
      h('tbody', {}, rows.map((r) => h('tr', {},
        h('td', {}, r.name), h('td', {}, String(r.responses)), h('td', {}, r.avg == null ? '—' : r.avg.toFixed(2)),
        h('td', { class: r.dissatisfied ? 'alert' : '' }, String(r.dissatisfied)))))) : h('p', { class: 'empty' }, '本月还没有打分的回访。'));
  replace(box,
    h('h2', {}, `满意度（${month}，按回访完成的日期）`),
    h('div', { class: 'two-col' },
      table('按医生（回访项目的医生）', 'satisfaction-doctors', data.by_doctor),
      table('按顾问（客户的顾问）', 'satisfaction-consultants', data.by_consultant)));
}
