/**
 * 设置 → 会员权益 (SPEC §8), for the owner: the member price's rate of each
 * membership, the family rate, the monthly entitlements, the referral
 * voucher, points as money and the member day — with a preview of whom a
 * change reaches before it is saved.
 */
import { call } from '../api.js';
import { h, replace, toast } from '../dom.js';
import { yuan } from '../format.js';
import { moneyText } from './consumption.js';

const TIERS = [['star_diamond', '星钻'], ['platinum', '铂金'], ['gold', '黄金'], ['member', '普通会员'], ['none', '非会员']];

/** 0.95 → 95折 as the desk says it. */
function rateLabel(text) {
  const r = Number(text);
  if (!Number.isFinite(r) || r <= 0 || r > 1) return '';
  if (r === 1) return '无折扣';
  const tenths = Math.round(r * 1000) / 100;
  return Number.isInteger(tenths) ? `${tenths}折` : `${Math.round(r * 10000) / 100}折`;
}

function labelled(id, text, input, after) {
  return h('div', { class: 'field' }, h('label', { for: id }, text), after ? h('div', { class: 'inline-form' }, input, after) : input);
}

/** @param {HTMLElement} panel */
export async function renderBenefitsPanel(panel) {
  const { settings: s } = await call('benefits.settings');
  const rates = Object.fromEntries(TIERS.map(([key, name]) => {
    const input = h('input', { id: `benefit-${key}`, type: 'text', inputmode: 'decimal', value: s[`discount_${key}`], style: 'width:90px' });
    const shown = h('span', { class: 'hint' }, rateLabel(input.value));
    input.addEventListener('input', () => { shown.textContent = rateLabel(input.value); });
    return [key, { input, field: labelled(`benefit-${key}`, name, input, shown) }];
  }));
  const family = h('input', { id: 'benefit-family', type: 'text', inputmode: 'decimal', value: s.family_rate, style: 'width:90px' });
  const familyShown = h('span', { class: 'hint' }, rateLabel(family.value));
  family.addEventListener('input', () => { familyShown.textContent = rateLabel(family.value); });
  const voucher = h('input', { id: 'benefit-referral', type: 'text', inputmode: 'decimal', value: s.referral_voucher, style: 'width:110px' });
  const referralMin = h('select', { id: 'benefit-referral-min' }, TIERS.filter(([k]) => k !== 'none').map(([k, n]) => h('option', { value: k, selected: k === s.referral_min }, `${n}及以上`)));
  const days = h('input', { id: 'benefit-voucher-days', type: 'number', min: '1', max: '3650', value: String(s.voucher_days), style: 'width:90px' });
  const unit = h('input', { id: 'benefit-points-unit', type: 'number', min: '1', value: String(s.points_unit), style: 'width:100px' });
  const value = h('input', { id: 'benefit-points-value', type: 'text', inputmode: 'decimal', value: s.points_value, style: 'width:100px' });
  const memberDay = h('select', { id: 'benefit-member-day' },
    h('option', { value: '' }, '不设会员日'),
    Array.from({ length: 28 }, (_, i) => h('option', { value: String(i + 1), selected: s.member_day === i + 1 }, `每月 ${i + 1} 日`)));
  const entitlementsBody = h('tbody', {});
  const entitlementRow = (e) => {
    const row = h('tr', {},
      h('td', {}, h('input', { class: 'ent-item', type: 'text', value: e.item, 'aria-label': '项目' })),
      h('td', {}, h('input', { class: 'ent-times', type: 'number', min: '1', max: '31', value: String(e.times), style: 'width:70px', 'aria-label': '每月次数' })),
      h('td', {}, h('select', { class: 'ent-from', 'aria-label': '最低等级' }, TIERS.filter(([k]) => k !== 'none').map(([k, n]) => h('option', { value: k, selected: k === e.from }, `${n}及以上`)))),
      h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => row.remove() }, '删除')));
    return row;
  };
  s.entitlements.forEach((e) => entitlementsBody.append(entitlementRow(e)));
  const previewBox = h('div', { id: 'benefits-preview' });
  const errors = h('div', { role: 'alert' });

  const read = () => ({
    ...Object.fromEntries(TIERS.map(([key]) => [`discount_${key}`, rates[key].input.value.trim()])),
    family_rate: family.value.trim(),
    entitlements: [...entitlementsBody.querySelectorAll('tr')].map((tr) => ({
      item: tr.querySelector('.ent-item').value.trim(),
      times: Number(tr.querySelector('.ent-times').value) || 0,
      from: tr.querySelector('.ent-from').value,
    })),
    referral_voucher: moneyText(voucher.value) || '0',
    referral_min: referralMin.value,
    voucher_days: Number(days.value) || 0,
    points_unit: Number(unit.value) || 0,
    points_value: moneyText(value.value) || '0',
    member_day: memberDay.value ? Number(memberDay.value) : null,
  });
  const problems = (err) => replace(errors, h('div', { class: 'form-errors' }, (err.problems && err.problems.length ? err.problems.map((p) => p.reason) : [err.message]).join('；')));
  const preview = async () => {
    try {
      const p = await call('benefits.preview', { settings: read() });
      replace(errors);
      replace(previewBox, h('table', { class: 'list', style: 'margin-top:10px' },
        h('thead', {}, h('tr', {}, ['会员等级', '客户（截至昨天）', '现在', '改后'].map((t) => h('th', {}, t)))),
        h('tbody', {}, p.tiers.map((t) => h('tr', { class: t.before !== t.after ? 'changed' : '' },
          h('td', {}, t.label), h('td', {}, `${t.customers} 位`), h('td', {}, t.before), h('td', {}, t.before !== t.after ? h('strong', {}, t.after) : t.after))))),
      h('p', { class: 'hint' }, `关联的家庭成员 ${p.family_members} 位（主卡为星钻时享家庭价）。`));
    } catch (err) { problems(err); }
  };

  replace(panel,
    h('h2', {}, '会员权益'),
    h('p', { class: 'hint' }, '开单时按客户「开单前一天」的会员等级给出会员价；标为「不参与折扣」的项目按原价。改动前可先预览影响多少客户；保存后记入操作日志。'),
    errors,
    h('form', {
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          await call('benefits.save', { settings: read() });
          replace(errors);
          toast('已保存会员权益');
          await renderBenefitsPanel(panel);
        } catch (err) { problems(err); }
      },
    },
    h('h3', {}, '会员折扣'),
    h('div', { class: 'fields' }, TIERS.map(([key]) => rates[key].field), labelled('benefit-family', '家庭价（星钻的家庭成员）', family, familyShown)),
    h('h3', {}, '每月权益'),
    h('table', { class: 'list' }, h('thead', {}, h('tr', {}, ['项目', '每月次数', '适用等级', ''].map((t) => h('th', {}, t)))), entitlementsBody),
    h('div', { class: 'actions' }, h('button', { type: 'button', id: 'add-entitlement', onclick: () => entitlementsBody.append(entitlementRow({ item: '', times: 1, from: 'member' })) }, '+ 加一项权益')),
    h('h3', {}, '券、积分与会员日'),
    h('div', { class: 'fields' },
      labelled('benefit-referral', '推荐券面额（元）', voucher, h('span', { class: 'hint' }, yuan(s.referral_voucher))),
      labelled('benefit-referral-min', '推荐人最低等级', referralMin),
      labelled('benefit-voucher-days', '券有效天数（含发放当天）', days),
      labelled('benefit-points-unit', '积分抵现：积分', unit, h('span', { class: 'hint' }, '积分')),
      labelled('benefit-points-value', '抵现金额（元）', value),
      labelled('benefit-member-day', '会员日（会员当天消费积分双倍）', memberDay)),
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'benefits-preview-button', onclick: preview }, '预览影响'),
      h('button', { type: 'submit', class: 'primary', id: 'benefits-save' }, '保存会员权益'))),
    previewBox);
}
