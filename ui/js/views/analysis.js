/**
 * 经营分析 (owner, SPEC §10): for the months chosen, which channels bring new
 * customers who come back and what each cost, what the ones who never came
 * back cost (生存账), how often customers come and what the frequent ones are
 * worth, and who keeps customers (consultants) and who works the calls. Every
 * count opens the customers behind it; the whole analysis exports to CSV or
 * Excel. All figures come from the core; this screen only lays them out.
 */
import { monthInput } from '../dates.js';
import { showDrill } from '../drill.js';
import { call } from '../api.js';
import { h, replace, saveExport, toast } from '../dom.js';
import { monthPlus, yuan } from '../format.js';
import { groupedBars, pct } from '../charts.js';

const FIELDS = {
  new_customers: '新客',
  matured: '满90天的新客',
  returned_90d: '90天内回头的新客',
  not_returned: '满90天没有再来的新客',
};

/**
 * @param {HTMLElement} main
 * @param {URLSearchParams} query
 */
export async function renderAnalysis(main, query) {
  replace(main, h('h1', {}, '经营分析'), h('p', { class: 'progress' }, '正在按渠道、到院次数和顾问计算…'));
  const data = await call('report.analysis', { from: query.get('from') || '', to: query.get('to') || '' });
  const period = { from: data.from, to: data.to };
  const thisMonth = data.today.slice(0, 7);
  const drill = h('div', { id: 'analysis-drill' });

  const go = (from, to) => { location.hash = `#/analysis?from=${from}&to=${to}`; };
  const fromInput = monthInput({ id: 'analysis-from', value: data.from, max: thisMonth, label: '开始月份', onchange: () => fromInput.value && go(fromInput.value, toInput.value || data.to) });
  const toInput = monthInput({ id: 'analysis-to', value: data.to, max: thisMonth, label: '结束月份', onchange: () => toInput.value && go(fromInput.value || data.from, toInput.value) });
  const quick = (label, months) => h('button', { type: 'button', class: 'link', onclick: () => { const to = monthPlus(thisMonth, -1); go(monthPlus(to, 1 - months), to); } }, label);

  /** Lists the customers behind a figure under the tables. */
  const showWho = async (figure, title) => {
    replace(drill, h('p', { class: 'progress' }, '正在列出客户…'));
    try {
      const list = await call('report.analysis_who', { ...period, ...figure });
      showDrill(drill, { id: 'analysis-drill', title, list, exportCmd: 'report.analysis_who_export', exportArgs: { ...period, ...figure }, today: data.today });
    } catch (e) { replace(drill); toast(e.message, 'error'); }
  };

  /** A count that opens its customers. */
  const count = (n, figure, title) => (n > 0
    ? h('button', { type: 'button', class: 'link count', dataset: { table: figure.table, key: figure.key ?? '', field: figure.field }, onclick: () => showWho(figure, title) }, String(n))
    : String(n));

  const exportAs = async (format) => {
    try {
      const out = await call('report.analysis_export', { ...period, format });
      saveExport(out);
      toast(`已导出 ${out.filename}`);
    } catch (e) { toast(e.message, 'error'); }
  };

  const cohortRow = (table, name, r, extra) => h('tr', { dataset: { key: name } },
    h('th', { scope: 'row' }, name),
    h('td', { class: 'num' }, count(r.new_customers, { table, key: name, field: 'new_customers' }, `${name} · ${FIELDS.new_customers}`)),
    h('td', { class: 'num' }, count(r.matured, { table, key: name, field: 'matured' }, `${name} · ${FIELDS.matured}`)),
    h('td', { class: 'num' }, count(r.returned_90d, { table, key: name, field: 'returned_90d' }, `${name} · ${FIELDS.returned_90d}`)),
    h('td', { class: 'num' }, r.matured > r.returned_90d
      ? h('button', { type: 'button', class: 'link', title: '看满90天没有再来的新客', onclick: () => showWho({ table, key: name, field: 'not_returned' }, `${name} · ${FIELDS.not_returned}`) }, pct(r.return_rate_90d))
      : pct(r.return_rate_90d)),
    extra);

  const channels = Object.entries(data.by_channel);
  const unspent = Object.entries(data.costs_without_new_customers);
  const channelTable = h('table', { class: 'list analysis-table', id: 'analysis-channels' },
    h('thead', {}, h('tr', {}, ['渠道', '新客', '满90天', '90天内回头', '90天回头率', '首年消费', '获客成本', '每位新客成本', '每位回头客成本'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, channels.map(([name, r]) => cohortRow('by_channel', name, r, [
      h('td', { class: 'num' }, yuan(r.spend_first_365)),
      h('td', { class: 'num' }, r.acquisition_cost == null ? '未录入' : yuan(r.acquisition_cost)),
      h('td', { class: 'num' }, yuan(r.cost_per_new)),
      h('td', { class: 'num' }, yuan(r.cost_per_returned))])),
    unspent.map(([name, cost]) => h('tr', { class: 'muted-row', dataset: { key: name } }, h('th', { scope: 'row' }, name),
      h('td', { class: 'num' }, '0'), h('td', { colspan: 4, class: 'hint' }, '这段时间没有带来新客'), h('td', { class: 'num' }, yuan(cost)), h('td', {}, ''), h('td', {}, '')))));

  const buckets = ['1', '2', '3-4', '5+'];
  const bucketTable = h('table', { class: 'list analysis-table', id: 'analysis-buckets' },
    h('thead', {}, h('tr', {}, ['365天内到院', '客户', '人均消费（365天）', '转介绍率'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, buckets.map((k) => {
      const b = data.by_visit_count[k];
      const referrers = b.referral_rate == null ? 0 : Math.round(b.referral_rate * b.customers);
      return h('tr', { dataset: { key: k } }, h('th', { scope: 'row' }, `${k} 天`),
        h('td', { class: 'num' }, count(b.customers, { table: 'by_visit_count', key: k, field: 'customers' }, `365天内到院 ${k} 天的客户`)),
        h('td', { class: 'num' }, yuan(b.avg_spend_365)),
        h('td', { class: 'num' }, referrers > 0
          ? h('button', { type: 'button', class: 'link', onclick: () => showWho({ table: 'by_visit_count', key: k, field: 'referrers' }, `到院 ${k} 天、介绍了新客的客户`) }, pct(b.referral_rate))
          : pct(b.referral_rate)));
    })));

  const bands = ['1-2', '3-5', '6+'];
  const bandTable = h('table', { class: 'list analysis-table', id: 'analysis-frequency' },
    h('thead', {}, h('tr', {}, ['365天内到院', '客户', '本院占比', '行业占比'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, bands.map((k) => {
      const f = data.frequency[k];
      return h('tr', { dataset: { key: k } }, h('th', { scope: 'row' }, `${k} 天`),
        h('td', { class: 'num' }, count(f.customers, { table: 'frequency', key: k, field: 'customers' }, `365天内到院 ${k} 天的客户`)),
        h('td', { class: 'num' }, pct(f.share)), h('td', { class: 'num' }, pct(f.industry)));
    })));

  const consultants = Object.entries(data.by_consultant);
  const consultantTable = h('table', { class: 'list analysis-table', id: 'analysis-consultants' },
    h('thead', {}, h('tr', {}, ['顾问', '新客', '满90天', '90天内回头', '90天回头率', '期间消费'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, consultants.map(([name, r]) => cohortRow('by_consultant', name, r, h('td', { class: 'num' }, yuan(r.spend))))));

  const callers = Object.entries(data.by_caller);
  const callerTable = callers.length
    ? h('table', { class: 'list analysis-table', id: 'analysis-callers' },
      h('thead', {}, h('tr', {}, ['员工', '回访记录', '完成', '按时完成'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, callers.map(([name, r]) => h('tr', { dataset: { key: name } }, h('th', { scope: 'row' }, name),
        h('td', { class: 'num' }, String(r.closed)), h('td', { class: 'num' }, String(r.done)), h('td', { class: 'num' }, String(r.on_time))))))
    : h('p', { class: 'empty', id: 'analysis-callers' }, '这段时间到期的回访还没有人登记。');

  const lost = data.lost_new;
  const lostCard = h(lost.customers ? 'button' : 'div', {
    type: lost.customers ? 'button' : null, class: 'card figure short', id: 'analysis-lost', dataset: { key: 'lost_new' },
    onclick: lost.customers ? () => showWho({ table: 'lost_new', field: 'customers' }, '满90天没有再来的新客') : null,
  },
  h('div', { class: 'label' }, '流失新客（满90天没有再来）'),
  h('div', { class: 'value' }, `${lost.customers} 位`),
  h('div', { class: 'hint' }, `期间新客 ${data.new_customers} 位${lost.customers ? ' · 点击看名单' : ''}`));
  const costCard = h('div', { class: 'card figure', id: 'analysis-lost-cost', dataset: { key: 'lost_cost' } },
    h('div', { class: 'label' }, '流失的获客成本'),
    h('div', { class: 'value' }, lost.lost_cost == null ? '—' : yuan(lost.lost_cost)),
    h('div', { class: 'hint' }, lost.lost_cost == null
      ? h('a', { href: '#/settings', onclick: () => setTimeout(() => document.getElementById('costs-panel')?.scrollIntoView(), 400) }, '在 设置 → 获客成本 录入各渠道花费后计算')
      : '流失人数 × 期间获客成本 ÷ 期间新客'));
  const three = data.three_plus_vs_once;
  const threeCard = h('div', { class: 'card figure', id: 'analysis-multiple', dataset: { key: 'three_plus_vs_once' } },
    h('div', { class: 'label' }, '到院3天以上 vs 只来1天'),
    h('div', { class: 'value' }, three.multiple == null ? '—' : `${three.multiple} 倍`),
    h('div', { class: 'hint' }, `人均消费 ${yuan(three.avg_spend_365)} 对 ${yuan(data.by_visit_count['1'].avg_spend_365)}（365天）`));
  const five = data.by_visit_count['5+'];
  const fiveCard = h('div', { class: 'card figure', dataset: { key: 'referral_5plus' } },
    h('div', { class: 'label' }, '到院5天以上的转介绍率'),
    h('div', { class: 'value' }, pct(five.referral_rate)),
    h('div', { class: 'hint' }, `${five.customers} 位客户中介绍了新客的占比`));

  replace(main,
    h('div', { class: 'page-head' },
      h('h1', {}, '经营分析'),
      h('label', { class: 'inline-label' }, fromInput, ' 至 ', toInput),
      quick('近 3 个月', 3), quick('近 12 个月', 12),
      h('span', { class: 'spacer' }),
      h('button', { type: 'button', id: 'analysis-csv', onclick: () => exportAs('csv') }, '导出 CSV'),
      h('button', { type: 'button', class: 'primary', id: 'analysis-xlsx', onclick: () => exportAs('xlsx') }, '导出 Excel')),
    h('p', { class: 'hint', id: 'analysis-period' }, `${data.from} 至 ${data.to}，数据截至 ${data.end}。新客 = 第一次到院在这段时间内；90天回头只算已满90天的新客（第一次到院 + 90 天 ≤ ${data.end}）。点任何人数可看名单。`),
    h('div', { class: 'cards' }, lostCard, costCard, threeCard, fiveCard),
    drill,
    h('div', { class: 'panel' },
      h('h2', {}, '按来源渠道'),
      channels.length || unspent.length ? channelTable : h('p', { class: 'empty' }, '这段时间没有新客。'),
      data.costs_entered ? null : h('p', { class: 'hint' }, '还没有录入这段时间的获客成本：在 设置 → 获客成本 按月填写各渠道花费，或导入 月份、渠道、金额 三列的文件。')),
    h('div', { class: 'charts' },
      groupedBars({ title: '各渠道新客90天回头率', percent: true, categories: channels.map(([n]) => n), series: [{ name: '90天回头率', values: channels.map(([, r]) => r.return_rate_90d) }] }),
      groupedBars({ title: '到院天数与人均消费（365天）', money: true, categories: buckets.map((k) => `${k} 天`), series: [{ name: '人均消费', values: buckets.map((k) => Number(data.by_visit_count[k].avg_spend_365)) }] })),
    h('div', { class: 'two-col' },
      h('div', { class: 'panel' }, h('h2', {}, '按到院次数（365天）'), bucketTable),
      h('div', { class: 'panel' }, h('h2', {}, '到院频次：本院与行业'), bandTable,
        groupedBars({ title: '到院频次分布', percent: true, categories: bands.map((k) => `${k} 天`), series: [
          { name: '本院', values: bands.map((k) => data.frequency[k].share) },
          { name: '行业', values: bands.map((k) => data.frequency[k].industry) }] }))),
    h('div', { class: 'two-col' },
      h('div', { class: 'panel' }, h('h2', {}, '按顾问（期间新客）'), consultants.length ? consultantTable : h('p', { class: 'empty' }, '这段时间没有新客。')),
      h('div', { class: 'panel' }, h('h2', {}, '按回访人（期间到期的回访）'), callerTable)));
}
