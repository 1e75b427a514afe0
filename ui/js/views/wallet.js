/**
 * What a customer holds (SPEC §8): this month's entitlements with 使用, open
 * vouchers, points and what they pay, and what is about to lapse — on the
 * desk card and in the customer file; and the 抵扣 picker of the order form
 * and the 尾款 form (vouchers and points that lower what an order owes).
 * The core decides every figure; the screen only adds up what it shows.
 */
import { call } from '../api.js';
import { ask, h, toast } from '../dom.js';
import { may } from '../session.js';
import { fen as fenOf, yuan } from '../format.js';

function voucherText(v) {
  return `${yuan(v.face)}券${v.threshold ? `（满${yuan(v.threshold)}可用）` : ''}，有效期至 ${v.valid_through}`;
}

/**
 * The wallet as a strip of lines; `prefix` keeps ids apart (card-, file-).
 * @param {object} w the core's wallet
 * @param {number} customerId
 * @param {string} prefix
 * @param {() => Promise<void>} onUsed after an entitlement is used
 */
export function walletStrip(w, customerId, prefix, onUsed) {
  if (!w.entitlements.length && !w.vouchers.length && !w.points && !w.reminders.length) {
    return prefix === 'card-' ? null : h('p', { class: 'empty', id: `${prefix}wallet` }, `${w.membership_label}：没有每月权益、可用券或积分。`);
  }
  const use = async (e, button) => {
    button.disabled = true;
    try {
      await call('entitlements.use', { customer_id: customerId, item: e.item });
      toast(`已使用本月「${e.item}」，已记一次划扣`);
      await onUsed();
    } catch (err) {
      toast(err.message, 'error');
      button.disabled = false;
    }
  };
  const rows = [];
  w.entitlements.forEach((e, i) => {
    const button = h('button', { type: 'button', class: 'small', id: `${prefix}use-entitlement-${i}` }, '使用');
    button.addEventListener('click', () => use(e, button));
    rows.push(h('li', { class: 'entitlement' },
      `本月${e.item} `, h('strong', {}, e.left > 0 ? `剩 ${e.left} 次` : '已用完'), h('span', { class: 'hint' }, `（每月 ${e.times} 次）`),
      e.left > 0 && may('entitlements.use') ? button : null));
  });
  if (w.vouchers.length) rows.push(h('li', { id: `${prefix}vouchers` }, '可用券：', w.vouchers.map((v) => h('span', { class: 'memo' }, voucherText(v)))));
  rows.push(h('li', { id: `${prefix}points` }, `积分 ${w.points}`,
    w.points_usable > 0 ? h('span', { class: 'hint' }, `（可抵 ${yuan(w.points_pay)}，每 ${w.points_unit} 分抵 ${yuan(w.points_value)}）`) : null));
  w.reminders.forEach((r) => rows.push(h('li', { class: 'alert reminder' }, r)));
  return h('div', { class: 'wallet', id: `${prefix}wallet` },
    h('div', { class: 'hint' }, `会员权益 · ${w.membership_label}（截至昨天）`),
    h('ul', { class: 'wallet-lines' }, rows));
}

/**
 * The 抵扣 part of a payment: open vouchers to tick and points to use.
 * `owedFen()` is what the order owes before these; `changed()` runs on every change.
 * @returns {{ el: HTMLElement, asked: () => {vouchers:number[], points:number}, creditFen: () => number, setWallet: (w:object) => void }}
 */
export function creditPicker(prefix, owedFen, totalFen, changed) {
  let wallet = null;
  const box = h('div', { class: 'credits', id: `${prefix}credits` });
  const points = h('input', { id: `${prefix}points`, type: 'number', min: '0', value: '0', 'aria-label': '用积分抵扣' });
  points.addEventListener('input', () => changed());
  let boxes = [];

  const creditFen = () => {
    if (!wallet) return 0;
    let owed = owedFen();
    let credit = 0;
    boxes.forEach(([cb, v]) => {
      if (!cb.checked) return;
      const take = Math.max(0, Math.min(fenOf(v.face), owed));
      owed -= take;
      credit += take;
    });
    const p = Number(points.value || 0);
    if (p > 0 && wallet.points_unit > 0) credit += Math.floor(p / wallet.points_unit) * fenOf(wallet.points_value);
    return credit;
  };

  const render = () => {
    box.replaceChildren();
    if (!wallet || (!wallet.vouchers.length && wallet.points_usable <= 0)) return;
    const total = totalFen();
    boxes = wallet.vouchers.map((v, i) => {
      const short = v.threshold && total < fenOf(v.threshold);
      const cb = h('input', { type: 'checkbox', id: `${prefix}voucher-${i}`, value: String(v.id), disabled: short ? true : null });
      cb.addEventListener('change', () => changed());
      return [cb, v];
    });
    points.max = String(wallet.points_usable);
    points.step = String(wallet.points_unit);
    box.append(
      h('div', { class: 'hint' }, '抵扣（不计入实收，不积分）'),
      boxes.length ? h('div', { class: 'credit-vouchers' }, boxes.map(([cb, v]) => h('label', { class: 'check', for: cb.id }, cb, ` ${voucherText(v)}`))) : null,
      wallet.points_usable > 0 ? h('label', { class: 'check', for: points.id }, '用积分 ', points,
        h('span', { class: 'hint' }, ` 可用 ${wallet.points_usable} 分，每 ${wallet.points_unit} 分抵 ${yuan(wallet.points_value)}`)) : null);
  };

  return {
    el: box,
    asked: () => ({
      vouchers: boxes.filter(([cb]) => cb.checked).map(([, v]) => v.id),
      points: Number(points.value || 0),
    }),
    creditFen,
    setWallet: (w) => { wallet = w; render(); },
    refresh: () => {
      // A threshold met or missed as the total changes (the checkboxes stay where they are).
      const total = totalFen();
      boxes.forEach(([cb, v]) => {
        const short = Boolean(v.threshold) && total < fenOf(v.threshold);
        cb.disabled = short;
        if (short) cb.checked = false;
      });
    },
  };
}

const STATUS = { open: '可用', redeemed: '已使用', expired: '已过期', voided: '已作废' };
const SOURCE = { referral: '推荐奖励', campaign: '活动券', manual: '院长发放' };

/**
 * The customer file's 权益与券 panel: the wallet, every voucher with its
 * status, and for the owner 发券 and 作废 (the core refuses anyone else).
 * @param {HTMLElement} box
 * @param {number} customerId
 * @param {() => Promise<void>} onUsed after an entitlement is used (the file's records change)
 */
export async function renderWalletPanel(box, customerId, onUsed) {
  const [w, all] = await Promise.all([call('wallet.of_customer', { customer_id: customerId }), call('vouchers.of_customer', { id: customerId })]);
  const reload = () => renderWalletPanel(box, customerId, onUsed).catch((e) => toast(e.message, 'error'));
  // Issuing and voiding vouchers is the owner's (the command table says whose).
  const owner = may('vouchers.issue');
  const voidVoucher = async (v) => {
    const reason = await ask(`作废 ${yuan(v.face)} 券`, '作废原因（必填，会留在记录里）');
    if (!reason) return;
    try {
      await call('vouchers.void', { id: v.id, reason });
      toast('券已作废');
      await reload();
    } catch (err) { toast(err.message, 'error'); }
  };
  const issueForm = () => {
    const face = h('input', { id: 'issue-face', type: 'text', inputmode: 'decimal', placeholder: '如 200' });
    const threshold = h('input', { id: 'issue-threshold', type: 'text', inputmode: 'decimal', placeholder: '不填即无门槛' });
    const note = h('input', { id: 'issue-note', type: 'text', placeholder: '如 投诉补偿', autocomplete: 'off' });
    const form = h('form', {
      class: 'inline-panel', novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        const clean = (t) => String(t || '').replace(/[,，¥￥\s]/g, '');
        try {
          await call('vouchers.issue', { customer_id: customerId, face: clean(face.value), threshold: clean(threshold.value) || null, note: note.value });
          toast('已发券');
          await reload();
        } catch (err) { toast(err.message, 'error'); }
      },
      onkeydown: (e) => { if (e.key === 'Escape') form.remove(); },
    },
    h('div', { class: 'field' }, h('label', { for: 'issue-face' }, '面额'), face),
    h('div', { class: 'field' }, h('label', { for: 'issue-threshold' }, '满多少可用'), threshold),
    h('div', { class: 'field' }, h('label', { for: 'issue-note' }, '说明'), note),
    h('button', { type: 'submit', class: 'primary', id: 'issue-save' }, '发券'),
    h('button', { type: 'button', onclick: () => form.remove() }, '取消'));
    head.after(form);
    face.focus();
  };
  const head = h('div', { class: 'page-head' }, h('h2', {}, '权益与券'), h('span', { class: 'spacer' }),
    owner ? h('button', { type: 'button', id: 'issue-voucher', onclick: issueForm }, '发券') : null);
  box.replaceChildren(h('div', { class: 'panel', id: 'wallet-panel' },
    head,
    walletStrip(w, customerId, 'file-', async () => { await onUsed(); await reload(); }),
    all.length ? h('table', { class: 'list', id: 'voucher-list' },
      h('thead', {}, h('tr', {}, ['面额', '门槛', '发放', '有效期至', '来源', '状态', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, all.map((v) => h('tr', { class: v.status === 'open' ? '' : 'voided', dataset: { voucher: String(v.id) } },
        h('td', { class: 'money' }, yuan(v.face)), h('td', { class: 'money' }, v.threshold ? `满${yuan(v.threshold)}` : '无'),
        h('td', { class: 'phone' }, v.issued), h('td', { class: 'phone' }, v.valid_through),
        h('td', {}, SOURCE[v.source] || v.source, v.note ? h('div', { class: 'hint' }, v.note) : null),
        h('td', {}, STATUS[v.status] || v.status),
        h('td', { class: 'row-actions' }, owner && v.status === 'open' ? h('button', { type: 'button', class: 'link', onclick: () => voidVoucher(v) }, '作废') : null))))) : null));
}
