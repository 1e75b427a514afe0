/**
 * 客户分层 and 积分: the three labels in a customer file with why each was
 * given and what would change it; the points ledger with redemption; lists by
 * label and tag with CSV export; and the owner's thresholds with a preview of
 * who would move before saving.
 */
import { call } from '../api.js';
import { h, orDash, replace, toast } from '../dom.js';
import { yuan } from '../format.js';

export const SCHEMES = {
  membership: ['会员等级', [['star_diamond', '星钻'], ['platinum', '铂金'], ['gold', '黄金'], ['member', '普通会员'], ['none', '非会员']]],
  layer: ['价值分层', [['lead', '意向'], ['dormant', '沉睡'], ['super', '超级'], ['potential', '潜力'], ['normal', '普通'], ['basic', '基础']]],
  trust: ['信任阶段', [['lead', '意向'], ['traffic', '流量'], ['retained', '留量'], ['loyal', '存量']]],
};

/** Three label chips, for cards and lists. */
export function labelChips(labels) {
  return h('span', { class: 'labels' }, labels.map((l, i) => h('span', { class: `label-chip ${Object.keys(SCHEMES)[i]} ${l.key}`, title: l.reason }, l.label)));
}

/**
 * The tier and points panels of a customer file.
 * @param {HTMLElement} box
 * @param {number} customerId
 */
export async function renderTierPanels(box, customerId) {
  const card = await call('tiers.card', { id: customerId });
  const reload = () => renderTierPanels(box, customerId).catch((e) => toast(e.message, 'error'));
  const schemeNames = Object.values(SCHEMES).map(([name]) => name);
  const points = card.points;
  const amount = h('input', { id: 'redeem-points', type: 'number', min: '1', placeholder: '积分' });
  const note = h('input', { id: 'redeem-note', type: 'text', placeholder: '兑换了什么，如 面膜一盒', autocomplete: 'off' });
  const redeem = h('form', {
    class: 'inline-form', novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      try {
        await call('points.redeem', { customer_id: customerId, points: Number(amount.value), note: note.value });
        toast(`已兑换 ${amount.value} 积分`);
        await reload();
      } catch (err) { toast(err.message, 'error'); }
    },
  }, amount, note, h('button', { type: 'submit', id: 'redeem-save' }, '兑换'));

  replace(box,
    h('div', { class: 'panel', id: 'tier-panel' },
      h('h2', {}, '客户分层 ', h('span', { class: 'hint' }, `截至 ${card.as_of}`)),
      h('div', { class: 'tier-grid' }, card.labels.map((l, i) => h('div', { class: 'tier-cell', dataset: { scheme: Object.keys(SCHEMES)[i] } },
        h('div', { class: 'hint' }, schemeNames[i]),
        h('div', { class: `tier-label label-chip ${Object.keys(SCHEMES)[i]} ${l.key}` }, l.label),
        h('div', { class: 'tier-reason' }, l.reason),
        l.next ? h('div', { class: 'hint' }, `下一步：${l.next}`) : null,
        l.keep ? h('div', { class: 'alert keep' }, `保级提醒：${l.keep}`) : null)))),
    h('div', { class: 'panel', id: 'points-panel' },
      h('div', { class: 'page-head' },
        h('h2', {}, '积分'),
        h('span', { class: 'points-balance', id: 'points-balance' }, String(points.balance)),
        points.expiring_30d ? h('span', { class: 'alert' }, `${points.expiring_30d} 积分将在 30 天内到期`) : null,
        h('span', { class: 'spacer' }), redeem),
      points.entries.length
        ? h('table', { class: 'list', id: 'points-ledger' },
          h('thead', {}, h('tr', {}, ['日期', '类型', '说明', '积分', '余额'].map((t) => h('th', {}, t)))),
          h('tbody', {}, [...points.entries].reverse().slice(0, 50).map((e) => h('tr', {},
            h('td', { class: 'phone' }, e.day), h('td', {}, e.label), h('td', {}, orDash(e.note)),
            h('td', { class: `money${e.points < 0 ? ' negative' : ''}` }, e.points > 0 ? `+${e.points}` : String(e.points)),
            h('td', { class: 'money' }, String(e.balance))))))
        : h('p', { class: 'empty' }, '还没有积分记录。消费 1 元积 1 分，生日月双倍。')));
}

/**
 * 分层名单: customers by label and tag, sortable, exportable.
 * @param {HTMLElement} main
 * @param {URLSearchParams} query
 */
export async function renderSegments(main, query) {
  const filters = {
    membership: query.get('membership') || '', layer: query.get('layer') || '', trust: query.get('trust') || '',
    tag: query.get('tag') || '', sort: query.get('sort') || 'spend_365',
  };
  const page = Number(query.get('page') || '0');
  const status = h('p', { class: 'progress', id: 'segments-status' }, '正在计算分层…');
  replace(main, h('div', { class: 'page-head' }, h('h1', {}, '分层名单'), h('span', { class: 'spacer' }),
    h('a', { class: 'button', href: '#/customers' }, '← 客户档案')), status);
  const data = await call('tiers.list', { ...filters, limit: 100, offset: page * 100 });
  const go = (changes) => {
    const q = new URLSearchParams({ ...filters, ...changes });
    for (const [k, v] of [...q.entries()]) if (!v) q.delete(k);
    location.hash = `#/customers/segments?${q}`;
  };
  const select = (scheme) => {
    const [name, labels] = SCHEMES[scheme];
    return h('select', { id: `seg-${scheme}`, 'aria-label': name, onchange: (e) => go({ [scheme]: e.target.value, page: '' }) },
      h('option', { value: '' }, `${name}：全部`),
      labels.map(([k, l]) => h('option', { value: k, selected: filters[scheme] === k ? 'selected' : null }, `${l}（${data.counts[scheme][k] ?? 0}）`)));
  };
  const tag = h('input', { id: 'seg-tag', type: 'text', value: filters.tag, placeholder: '标签，如 怕疼', autocomplete: 'off' });
  tag.addEventListener('keydown', (e) => { if (e.key === 'Enter') go({ tag: tag.value.trim(), page: '' }); });
  const sort = h('select', { id: 'seg-sort', 'aria-label': '排序', onchange: (e) => go({ sort: e.target.value, page: '' }) },
    [['spend_365', '按近365天消费'], ['spend_total', '按累计消费'], ['visit_days', '按到院天数'], ['last_visit', '按最近到院'], ['points', '按积分'], ['phone', '按手机号']]
      .map(([v, l]) => h('option', { value: v, selected: filters.sort === v ? 'selected' : null }, l)));
  const exportButton = h('button', {
    type: 'button', id: 'seg-export',
    onclick: async () => {
      try {
        const out = await call('tiers.export', filters);
        const blob = new Blob([out.csv], { type: 'text/csv;charset=utf-8' });
        const a = h('a', { href: URL.createObjectURL(blob), download: out.filename });
        document.body.append(a);
        a.click();
        a.remove();
        toast(`已导出 ${out.rows} 位客户`);
      } catch (err) { toast(err.message, 'error'); }
    },
  }, '导出 CSV');
  const pages = Math.ceil(data.total / 100);
  replace(main,
    h('div', { class: 'page-head' }, h('h1', {}, '分层名单'), h('span', { class: 'hint' }, `截至 ${data.as_of}，共 ${data.total} 位`),
      h('span', { class: 'spacer' }), exportButton, h('a', { class: 'button', href: '#/customers' }, '← 客户档案')),
    h('div', { class: 'filters' }, select('membership'), select('layer'), select('trust'), tag, sort),
    data.rows.length
      ? h('table', { class: 'list', id: 'segments-table' },
        h('thead', {}, h('tr', {}, ['姓名', '手机号', '会员等级', '价值分层', '信任阶段', '近365天消费', '累计消费', '到院', '最近到院', '积分'].map((t) => h('th', {}, t)))),
        h('tbody', {}, data.rows.map((r) => h('tr', { onclick: () => { location.hash = `#/customers/${r.id}`; } },
          h('td', { class: 'name-cell' }, r.name), h('td', { class: 'phone' }, r.phone),
          h('td', {}, h('span', { class: `label-chip membership ${r.membership}` }, r.membership_label)),
          h('td', {}, h('span', { class: `label-chip layer ${r.layer}` }, r.layer_label)),
          h('td', {}, h('span', { class: `label-chip trust ${r.trust}` }, r.trust_label)),
          h('td', { class: 'money' }, yuan(r.spend_365)), h('td', { class: 'money' }, yuan(r.spend_total)),
          h('td', { class: 'money' }, String(r.visit_days)), h('td', { class: 'phone' }, orDash(r.last_visit)),
          h('td', { class: 'money' }, String(r.points))))))
      : h('p', { class: 'empty panel' }, '没有符合条件的客户。'),
    pages > 1 ? h('div', { class: 'actions' },
      page > 0 ? h('button', { type: 'button', onclick: () => go({ page: String(page - 1) }) }, '上一页') : null,
      h('span', { class: 'hint' }, `第 ${page + 1} / ${pages} 页`),
      page + 1 < pages ? h('button', { type: 'button', onclick: () => go({ page: String(page + 1) }) }, '下一页') : null) : null);
}

const RULE_FIELDS = [
  ['membership', 'star_diamond_365', '星钻：近365天消费 ≥', 'money'],
  ['membership', 'platinum_365', '铂金：近365天消费 ≥', 'money'],
  ['membership', 'gold_365', '黄金：近365天消费 ≥', 'money'],
  ['membership', 'member_total', '普通会员：累计消费 ≥', 'money'],
  ['layer', 'dormant_days', '沉睡：距上次到院天数 ≥', 'days'],
  ['layer', 'super_365', '超级：近365天消费 ≥', 'money'],
  ['layer', 'potential_365', '潜力：近365天消费 ≥', 'money'],
  ['layer', 'normal_365', '普通：近365天消费 ≥', 'money'],
  ['trust', 'retained_visits', '留量：到院天数 ≥', 'days'],
  ['trust', 'loyal_visits', '存量：到院天数 ≥', 'days'],
];

/**
 * The owner's thresholds in 设置, with a preview before saving.
 * @param {HTMLElement} panel
 */
export async function renderRulesPanel(panel) {
  const { rules, defaults, changes } = await call('tiers.rules');
  const result = h('div', { id: 'rules-result', 'aria-live': 'polite' });
  const inputs = Object.fromEntries(RULE_FIELDS.map(([, key, , kind]) => [key, h('input', {
    id: `rule-${key}`, type: 'text', inputmode: kind === 'money' ? 'decimal' : 'numeric',
    value: kind === 'money' ? String(rules[key]).replace(/\.00$/, '') : String(rules[key]),
  })]));
  const read = () => Object.fromEntries(RULE_FIELDS.map(([, key, , kind]) => [key, kind === 'money' ? inputs[key].value.replace(/[,，¥￥\s]/g, '') : Number(inputs[key].value)]));
  const showPreview = (p) => replace(result, h('table', { class: 'list', id: 'rules-preview' },
    h('thead', {}, h('tr', {}, ['', '升', '降', '保存后各标签人数'].map((t) => h('th', {}, t)))),
    h('tbody', {}, Object.entries(SCHEMES).map(([scheme, [name, labels]]) => h('tr', {},
      h('td', {}, name), h('td', { class: 'money' }, String(p.moves[scheme][0])), h('td', { class: 'money' }, String(p.moves[scheme][1])),
      h('td', {}, labels.map(([k, l]) => {
        const before = p.before[scheme][k];
        const after = p.after[scheme][k];
        return h('span', { class: 'tag' }, `${l} ${after}${after !== before ? `（原 ${before}）` : ''}`);
      })))))));
  const previewButton = h('button', {
    type: 'button', id: 'rules-preview-button',
    onclick: async () => {
      replace(result, h('p', { class: 'progress' }, '正在按新规则重新计算每位客户…'));
      try { showPreview(await call('tiers.preview', { rules: read() })); } catch (err) { replace(result, h('div', { class: 'form-errors' }, err.problems.length ? err.problems.map((p) => p.reason).join('；') : err.message)); }
    },
  }, '预览变化');
  const saveButton = h('button', {
    type: 'button', class: 'primary', id: 'rules-save',
    onclick: async () => {
      try {
        await call('tiers.save_rules', { rules: read() });
        toast('分层规则已保存');
        await renderRulesPanel(panel);
      } catch (err) { toast(err.message, 'error'); }
    },
  }, '保存规则');
  replace(panel,
    h('h2', {}, '分层规则'),
    h('p', { class: 'hint' }, '每套规则从上到下，第一条满足的即为该客户的标签。金额单位为元。只有院长可以保存；保存前可预览会有多少客户升降。'),
    h('div', { class: 'rules-grid' }, Object.entries(SCHEMES).map(([scheme, [name]]) => h('fieldset', {},
      h('legend', {}, name),
      RULE_FIELDS.filter(([s]) => s === scheme).map(([, key, label]) => h('div', { class: 'field' },
        h('label', { for: `rule-${key}` }, label, h('span', { class: 'hint' }, `（默认 ${String(defaults[key]).replace(/\.00$/, '')}）`)), inputs[key]))))),
    h('div', { class: 'actions' }, previewButton, saveButton),
    result,
    changes.length ? h('details', {}, h('summary', {}, `修改记录（${changes.length}）`),
      h('ul', {}, changes.map((c) => h('li', {}, `${c.changed_at.slice(0, 16).replace('T', ' ')} ${c.changed_by}：`,
        RULE_FIELDS.filter(([, key]) => String(c.before[key]) !== String(c.after[key])).map(([, key, label]) => `${label} ${c.before[key]} → ${c.after[key]}；`))))) : null);
}
