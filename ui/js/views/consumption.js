/**
 * 消费档案: the customer's packages (bought, done, left) with 划扣 and 退款,
 * the timeline of arrivals, orders, payments, sessions and refunds with 作废,
 * the order form (开单), and the clinic's day ledger. Nothing is deleted:
 * a mistake is voided with a reason and stays visible, struck through.
 */
import { call } from '../api.js';
import { append, ask, h, orDash, replace, toast } from '../dom.js';
import { dateInput } from '../dates.js';
import { typeahead } from '../typeahead.js';
import { fen, fenText, yuan } from '../format.js';
import { creditPicker } from './wallet.js';
import { currentActor, may } from '../session.js';

const KIND_LABEL = { arrival: '到院', order: '开单', payment: '收款', execution: '执行', refund: '退款', credit: '抵扣' };

/** Money as the core reads it: "1234.50" from what staff type ("1,234.5", "¥1234"). */
export function moneyText(typed) {
  return String(typed || '').replace(/[,，¥￥\s]/g, '');
}

function field(label, control) {
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
}

async function performers() {
  const staff = await call('staff.list');
  return staff.filter((s) => s.active && ['doctor', 'nurse', 'consultant'].includes(s.role)).map((s) => s.name);
}

/** The signed-in colleague, when she is the one who does sessions. */
function meIfPerformer(names) {
  const me = currentActor();
  return me && ['doctor', 'nurse', 'consultant'].includes(me.role) && names.includes(me.name) ? me.name : '';
}

/** Where an order just saved asks the file to put the cursor (its first line's 划扣). */
const JUST_ORDERED = 'liuke.justOrdered';

/**
 * The consumption part of a customer file: packages and what is owed in
 * `box`, the timeline in `timelineBox`; `changed` runs after anything that
 * may have made calls or moved a tier (a session, a refund, a void).
 * @param {HTMLElement} box
 * @param {number} customerId
 * @param {string} todayText
 * @param {{timelineBox?: HTMLElement, changed?: () => void}} [more]
 */
export async function renderConsumptionSection(box, customerId, todayText, more = {}) {
  const timelineBox = more.timelineBox || box;
  const [data, names] = await Promise.all([call('consumption.file', { customer_id: customerId }), performers()]);
  const reload = () => renderConsumptionSection(box, customerId, todayText, more)
    .then(() => { if (more.changed) more.changed(); })
    .catch((e) => toast(e.message, 'error'));
  const f = data.facts;
  const me = meIfPerformer(names);

  // The form opens in a row of its own under the package, so the table's
  // columns keep their width.
  const openBelow = (row, form, cols) => {
    row.parentElement.querySelectorAll('tr.form-row').forEach((r) => r.remove());
    const formRow = h('tr', { class: 'form-row' }, h('td', { colspan: String(cols) }, form));
    row.after(formRow);
    const close = () => { formRow.remove(); row.querySelector('button')?.focus(); };
    form.addEventListener('keydown', (e) => { if (e.key === 'Escape') close(); });
    form.querySelectorAll('button.cancel').forEach((b) => b.addEventListener('click', close));
    formRow.scrollIntoView({ block: 'nearest' });
  };

  const executeForm = (p, row) => {
    const count = h('input', { id: `exec-count-${p.line_id}`, type: 'number', min: '1', max: String(p.left), value: '1' });
    const performer = h('input', { id: `exec-performer-${p.line_id}`, list: 'performer-options', placeholder: '医生/护士', autocomplete: 'off', value: me });
    const date = dateInput({ id: `exec-date-${p.line_id}`, value: todayText, max: todayText });
    const form = h('form', {
      class: 'inline-panel', novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          await call('executions.add', { line_id: p.line_id, count: Number(count.value), performer: performer.value, date: date.value });
          toast(`已划扣：${p.item} ${count.value} 次`);
          await reload();
        } catch (err) { toast(err.message, 'error'); }
      },
    }, h('strong', { class: 'form-title' }, `划扣：${p.item}（剩 ${p.left} 次）`),
    field('次数', count), field('执行人', performer), field('日期', date),
    h('button', { type: 'submit', class: 'primary', id: `exec-save-${p.line_id}` }, '确认划扣'),
    h('button', { type: 'button', class: 'cancel' }, '取消'),
    h('span', { class: 'hint' }, 'Enter 确认 · Esc 取消'));
    openBelow(row, form, 7);
    count.focus();
    count.select();
  };

  const refundForm = (p, row) => {
    const amount = h('input', { id: `refund-amount-${p.line_id}`, type: 'text', inputmode: 'decimal', placeholder: '金额' });
    const sessions = h('input', { id: `refund-sessions-${p.line_id}`, type: 'number', min: '0', max: String(p.left), value: String(p.left) });
    const reason = h('input', { id: `refund-reason-${p.line_id}`, type: 'text', placeholder: '如 出国、不想做了' });
    const method = h('input', { id: `refund-method-${p.line_id}`, type: 'text', value: '原路退回' });
    const form = h('form', {
      class: 'inline-panel', novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          await call('refunds.add', {
            customer_id: customerId, line_id: p.line_id, amount: moneyText(amount.value),
            sessions_returned: Number(sessions.value || 0), reason: reason.value, method: method.value,
          });
          toast('已登记退款');
          await reload();
        } catch (err) { toast(err.message, 'error'); }
      },
    }, h('strong', { class: 'form-title' }, `退款：${p.item}`),
    field('退款金额', amount), field('退回次数', sessions), field('原因', reason), field('方式', method),
    h('button', { type: 'submit', class: 'danger', id: `refund-save-${p.line_id}` }, '确认退款'),
    h('button', { type: 'button', class: 'cancel' }, '取消'));
    openBelow(row, form, 7);
    amount.focus();
  };

  const packageRow = (p) => {
    const actions = h('td', { class: 'row-actions' });
    const row = h('tr', { class: p.voided ? 'voided' : '', dataset: { line: String(p.line_id) } });
    if (p.left > 0) {
      actions.append(
        may('executions.add') ? h('button', { type: 'button', class: 'primary', dataset: { execute: String(p.line_id) }, onclick: () => executeForm(p, row) }, '划扣') : '',
        may('refunds.add') ? h('button', { type: 'button', dataset: { refund: String(p.line_id) }, onclick: () => refundForm(p, row) }, '退款') : '');
    }
    return append(row, [
      h('td', {}, h('strong', {}, p.item), h('div', { class: 'hint' }, `${p.category} · ${p.order_date}${p.order_no ? ` · ${p.order_no}` : ''}`)),
      h('td', { class: 'money' }, String(p.sessions)),
      h('td', { class: 'money' }, String(p.done)),
      h('td', { class: 'money' }, p.returned ? String(p.returned) : '—'),
      h('td', { class: 'money left' }, h('strong', {}, String(p.left))),
      h('td', { class: 'money' }, yuan(p.price)),
      actions]);
  };

  const payForm = (o, cell) => {
    const amount = h('input', { id: `pay-amount-${o.order_id}`, type: 'text', inputmode: 'decimal', value: o.owed });
    let amountTouched = false;
    amount.addEventListener('input', () => { amountTouched = true; });
    const method = h('select', { id: `pay-method-${o.order_id}` }, ['微信', '支付宝', '银行卡', '现金', '储值卡', '其他'].map((m) => h('option', { value: m }, m)));
    // Vouchers and points lower what is left to pay in money.
    const credits = creditPicker(`pay-${o.order_id}-`, () => fen(o.owed), () => fen(o.total), () => {
      if (!amountTouched) amount.value = fenText(Math.max(0, fen(o.owed) - credits.creditFen()));
    });
    call('wallet.of_customer', { customer_id: customerId }).then(credits.setWallet).catch((err) => toast(err.message, 'error'));
    const form = h('form', {
      class: 'inline-panel', novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          const paid = moneyText(amount.value) || '0';
          await call('payments.add', { customer_id: customerId, order_id: o.order_id, amount: paid, method: method.value, credits: credits.asked() });
          toast(fen(paid) > 0 ? `已收款 ${yuan(paid)}` : '已抵扣');
          await reload();
        } catch (err) { toast(err.message, 'error'); }
      },
      onkeydown: (e) => { if (e.key === 'Escape') form.remove(); },
    }, field('收款金额', amount), field('付款方式', method), credits.el,
    h('button', { type: 'submit', class: 'primary', id: `pay-save-${o.order_id}` }, '确认收款'),
    h('button', { type: 'button', onclick: () => form.remove() }, '取消'));
    cell.append(form);
    amount.focus();
    amount.select();
  };

  const owingPanel = data.owing.length ? h('div', { class: 'panel', id: 'owing-panel' },
    h('h2', {}, '待收尾款'),
    h('table', { class: 'list' },
      h('thead', {}, h('tr', {}, ['开单日期', '项目', '订单金额', '已付（含抵扣）', '未收', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, data.owing.map((o) => {
        const actions = h('td', { class: 'row-actions' });
        actions.append(h('button', { type: 'button', class: 'primary', dataset: { pay: String(o.order_id) }, onclick: () => payForm(o, actions) }, '收款'));
        return h('tr', {}, h('td', {}, o.order_date), h('td', {}, o.items), h('td', { class: 'money' }, yuan(o.total)),
          h('td', { class: 'money' }, yuan(o.paid)), h('td', { class: 'money negative' }, yuan(o.owed)), actions);
      })))) : null;

  const voidEntry = async (e) => {
    const reason = await ask(`作废这条${KIND_LABEL[e.kind]}记录`, '作废原因（必填，会留在记录里）');
    if (!reason) return;
    try {
      await call('records.void', { what: e.kind, id: e.id, reason });
      toast('已作废');
      await reload();
    } catch (err) { toast(err.message, 'error'); }
  };

  const timelineRow = (e) => h('tr', { class: e.voided ? 'voided' : '', dataset: { kind: e.kind, id: String(e.id) } },
    h('td', { class: 'phone' }, e.date),
    h('td', {}, h('span', { class: `kind ${e.kind}` }, e.title)),
    h('td', {}, orDash(e.detail)),
    h('td', { class: `money${e.amount && e.amount.startsWith('-') ? ' negative' : ''}` }, e.amount ? yuan(e.amount) : ''),
    h('td', { class: 'hint' }, e.by),
    h('td', { class: 'row-actions void-note' }, e.voided
      ? h('span', { class: 'hint' }, `已作废：${e.void_reason || ''}`)
      : may('records.void') ? h('button', { type: 'button', class: 'link', onclick: () => voidEntry(e) }, '作废') : ''));

  // Open packages on top; the finished and voided ones behind a toggle, so
  // a loyal customer's file does not grow a screen per year.
  const open = data.packages.filter((p) => p.left > 0 && !p.voided);
  const closed = data.packages.filter((p) => !(p.left > 0 && !p.voided));
  const packageHead = () => h('thead', {}, h('tr', {}, ['项目', '购买', '已做', '退回', '剩余', '成交价', ''].map((t) => h('th', {}, t))));
  replace(box,
    h('datalist', { id: 'performer-options' }, names.map((n) => h('option', { value: n }))),
    h('div', { class: 'panel', id: 'packages-panel' },
      h('div', { class: 'page-head' },
        h('h2', {}, '项目与疗程'),
        h('span', { class: 'hint' }, `到院 ${f.visit_days} 天 · 近365天消费 ${yuan(f.spend_365)} · 累计 ${yuan(f.spend_total)}`)),
      open.length
        ? h('table', { class: 'list packages-table' }, packageHead(), h('tbody', {}, open.map(packageRow)))
        : h('p', { class: 'empty' }, data.packages.length ? '没有剩余次数的疗程。' : '还没有消费记录。'),
      closed.length ? h('details', { class: 'more-rows', id: 'closed-packages' },
        h('summary', {}, `已做完、已退或已作废的 ${closed.length} 项`),
        h('table', { class: 'list packages-table' }, packageHead(), h('tbody', {}, closed.map(packageRow)))) : null),
    owingPanel);
  const SHOWN_ENTRIES = 12;
  const timelineBody = h('tbody', {}, data.timeline.slice(0, SHOWN_ENTRIES).map(timelineRow));
  const showAll = data.timeline.length > SHOWN_ENTRIES ? h('button', {
    type: 'button', class: 'link', id: 'timeline-all',
    onclick: () => { replace(timelineBody, data.timeline.map(timelineRow)); showAll.remove(); },
  }, `显示全部 ${data.timeline.length} 条`) : null;
  replace(timelineBox,
    h('div', { class: 'panel', id: 'timeline-panel' },
      h('h2', {}, '时间线'),
      data.timeline.length
        ? h('table', { class: 'list timeline' },
          h('thead', {}, h('tr', {}, ['日期', '记录', '内容', '金额', '录入', ''].map((t) => h('th', {}, t)))),
          timelineBody)
        : h('p', { class: 'empty' }, '还没有记录。'),
      showAll));

  // Just after an order: the cursor waits on its first package's 划扣.
  const justOrdered = Number(sessionStorage.getItem(JUST_ORDERED) || 0);
  if (justOrdered) {
    sessionStorage.removeItem(JUST_ORDERED);
    const first = open.find((p) => p.order_id === justOrdered);
    const button = first && box.querySelector(`button[data-execute="${first.line_id}"]`);
    if (button instanceof HTMLElement) {
      button.closest('tr')?.classList.add('just-added');
      // Focus scrolls only as far as needed: the customer's name stays in view.
      button.focus();
    }
  }
}

/**
 * The order form (开单): one or more items with sessions and agreed price,
 * and the payment taken now.
 * @param {HTMLElement} main
 * @param {number} customerId
 */
export async function renderOrderForm(main, customerId) {
  const [file, catalogue, names, info] = await Promise.all([
    call('customers.get', { id: customerId }), call('items.list'), performers(), call('app.info')]);
  const c = file.customer;
  const items = catalogue.items.filter((i) => i.active);
  const linesBody = h('tbody', {});
  const totalEl = h('span', { class: 'order-total', id: 'order-total' }, '¥0');
  const dueEl = h('span', { class: 'order-due', id: 'order-due' });
  const amount = h('input', { id: 'order-amount', type: 'text', inputmode: 'decimal', placeholder: '本次实收' });
  let amountTouched = false;
  amount.addEventListener('input', () => { amountTouched = true; });
  const method = h('select', { id: 'order-method' }, catalogue.payment_methods.map((m) => h('option', { value: m }, m)));
  const consultant = h('input', { id: 'order-consultant', list: 'staff-names', value: c.consultant || '', autocomplete: 'off' });
  const doctor = h('input', { id: 'order-doctor', list: 'staff-names', autocomplete: 'off' });
  const date = dateInput({ id: 'order-date', value: info.today, max: info.today });
  const orderNo = h('input', { id: 'order-no', type: 'text', placeholder: '可不填', autocomplete: 'off' });
  const note = h('input', { id: 'order-note', type: 'text', autocomplete: 'off' });
  const errors = h('div', { role: 'alert' });

  // 会员价: the membership as of the day before the order's date decides the rate (SPEC §8).
  const basisEl = h('p', { class: 'hint', id: 'order-basis' });
  const showBasis = (b) => {
    const who = b.family_of ? `${b.family_of} 的家庭成员` : `${b.membership_label}（截至开单前一天）`;
    basisEl.textContent = b.label === '无折扣' ? `${c.name}：${who}，按原价` : `${c.name}：${who}，${b.label}`;
  };
  const total = () => [...linesBody.querySelectorAll('tr')].reduce((sum, tr) => sum + (fen(tr.querySelector('.line-price').value) || 0), 0);
  // Vouchers and points (抵扣) lower what is paid in money now.
  const credits = creditPicker('order-', () => total(), () => total(), () => refresh());
  const loadWallet = () => call('wallet.of_customer', { customer_id: customerId, date: date.value })
    .then((w) => { credits.setWallet(w); refresh(); }).catch((err) => toast(err.message, 'error'));
  const refresh = () => {
    const t = total();
    totalEl.textContent = yuan(fenText(t));
    credits.refresh();
    const credit = Math.min(credits.creditFen(), t);
    const due = t - credit;
    dueEl.textContent = credit > 0 ? `抵扣 −${yuan(fenText(credit))} · 还需付 ${yuan(fenText(due))}` : '';
    if (!amountTouched) amount.value = fenText(due);
    linesBody.querySelectorAll('tr').forEach((tr) => {
      const hint = tr.querySelector('.line-discount');
      const q = tr.quoted;
      if (!q || fen(q.list_price) <= 0) { hint.textContent = ''; return; }
      const price = fen(tr.querySelector('.line-price').value);
      const parts = [`原价 ${yuan(q.list_price)}`];
      if (!q.takes_part) parts.push('不参与折扣');
      else if (fen(q.discount) > 0) parts.push(`${basisLabel} −${yuan(q.discount)}`, `会员价 ${yuan(q.member_price)}`);
      if (Number.isFinite(price) && price !== fen(q.member_price)) {
        const off = fen(q.list_price) - price;
        parts.push(off > 0 ? `成交价 ${yuan(fenText(price))}（共优惠 ${yuan(fenText(off))}）` : `成交价 ${yuan(fenText(price))}`);
      }
      hint.textContent = parts.join(' · ');
    });
  };
  let basisLabel = '';

  const addLine = () => {
    const n = linesBody.children.length;
    // Typed, not scrolled: 水光 / sgz / shuiguang find 水光针 among a hundred items.
    const options = catalogue.categories.flatMap((cat) => items.filter((i) => i.category === cat).map((i) => ({
      value: String(i.id), text: i.name, keys: i.keys || [], hint: `${cat}${i.list_price ? ` · ${yuan(i.list_price)}/次` : ''}`,
    })));
    const picker = typeahead({ id: `order-item-${n}`, options, label: `第 ${n + 1} 个项目`, placeholder: '输入项目名或拼音首字母', onPick: (o, chosen) => { suggest(); if (o && chosen) { sessions.focus(); sessions.select(); } } });
    picker.input.classList.add('line-item');
    const sessions = h('input', { class: 'line-sessions', id: `order-sessions-${n}`, type: 'number', min: '1', value: '1', 'aria-label': '次数' });
    const price = h('input', { class: 'line-price', id: `order-price-${n}`, type: 'text', inputmode: 'decimal', 'aria-label': '成交价', placeholder: '成交价' });
    let priceTouched = false;
    price.addEventListener('input', () => { priceTouched = true; refresh(); });
    let asked = 0;
    // The member price of the line, filled in unless staff agreed another.
    const suggest = async () => {
      const count = Number(sessions.value || 0);
      const chosen = picker.picked;
      if (!chosen || count < 1) { row.quoted = null; refresh(); return; }
      const mine = ++asked;
      try {
        const q = await call('benefits.quote', { customer_id: customerId, date: date.value, lines: [{ item_id: Number(chosen.value), sessions: count }] });
        if (mine !== asked) return;
        row.quoted = q.lines[0];
        basisLabel = q.basis.label;
        showBasis(q.basis);
        if (!priceTouched && fen(row.quoted.list_price) > 0) price.value = fenText(fen(row.quoted.member_price));
      } catch (err) { toast(err.message, 'error'); }
      refresh();
    };
    sessions.addEventListener('input', suggest);
    const row = h('tr', {},
      h('td', { class: 'line-item-cell' }, picker.el), h('td', { style: 'width:90px' }, sessions), h('td', { style: 'width:160px' }, price),
      h('td', { class: 'hint line-discount' }),
      h('td', {}, n > 0 ? h('button', { type: 'button', class: 'link', onclick: () => { row.remove(); refresh(); } }, '删除') : null));
    row.requote = suggest;
    row.itemId = () => (picker.picked ? Number(picker.picked.value) : 0);
    linesBody.append(row);
    picker.focus();
  };

  const form = h('form', {
    class: 'panel', novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      const lines = [...linesBody.querySelectorAll('tr')].map((tr) => ({
        item_id: tr.itemId ? tr.itemId() : 0,
        sessions: Number(tr.querySelector('.line-sessions').value) || 0,
        price: moneyText(tr.querySelector('.line-price').value) || '0',
      }));
      if (lines.some((l) => !l.item_id)) { replace(errors, h('div', { class: 'form-errors' }, '请为每一行选择项目。')); return; }
      const paid = moneyText(amount.value);
      try {
        const saved = await call('orders.create', {
          customer_id: customerId, date: date.value, lines,
          payment: paid && fen(paid) > 0 ? { amount: paid, method: method.value } : null,
          credits: credits.asked(),
          consultant: consultant.value, doctor: doctor.value, note: note.value, order_no: orderNo.value,
        });
        toast(`已为 ${c.name} 开单`);
        sessionStorage.setItem(JUST_ORDERED, String(saved.order_id));
        location.hash = `#/customers/${customerId}`;
      } catch (err) {
        replace(errors, h('div', { class: 'form-errors' }, (err.problems.length ? err.problems.map((p) => p.reason) : [err.message]).join('；')));
      }
    },
    onkeydown: (e) => { if (e.key === 'Escape') location.hash = `#/customers/${customerId}`; },
  },
  errors,
  basisEl,
  h('table', { class: 'list order-lines' },
    h('thead', {}, h('tr', {}, ['项目', '次数', '成交价（整行）', '', ''].map((t) => h('th', {}, t)))),
    linesBody),
  h('div', { class: 'actions' }, h('button', { type: 'button', id: 'add-line', onclick: addLine }, '+ 再加一个项目'), h('span', { class: 'spacer' }), '合计 ', totalEl),
  h('div', { class: 'actions order-credits' }, credits.el, h('span', { class: 'spacer' }), dueEl),
  h('div', { class: 'fields', style: 'margin-top:16px' },
    field('本次收款', amount), field('付款方式', method), field('顾问', consultant), field('医生', doctor),
    field('开单日期', date), field('单号', orderNo), h('div', { class: 'field wide' }, h('label', { for: 'order-note' }, '备注'), note)),
  h('datalist', { id: 'staff-names' }, names.map((n) => h('option', { value: n }))),
  h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'primary', id: 'save-order' }, '确认开单'),
    h('a', { class: 'button', href: `#/customers/${customerId}` }, '取消'),
    h('span', { class: 'hint' }, '收款可少于合计（定金），余款之后在档案里收。Esc 取消')));

  // Another date may mean another membership: every line is priced again.
  const basisOnly = () => call('benefits.quote', { customer_id: customerId, date: date.value, lines: [] })
    .then((q) => { basisLabel = q.basis.label; showBasis(q.basis); }).catch((err) => toast(err.message, 'error'));
  date.addEventListener('change', () => { basisOnly(); loadWallet(); linesBody.querySelectorAll('tr').forEach((tr) => tr.requote && tr.requote()); });
  if (items.length) { basisOnly(); loadWallet(); }
  replace(main, h('div', { class: 'page-head' }, h('h1', {}, `开单：${c.name}`), h('span', { class: 'meta phone hint' }, c.phone)),
    items.length ? form : h('div', { class: 'panel' }, h('p', {}, '项目目录还是空的。请院长先在「设置 → 项目目录」里添加项目。'), h('a', { class: 'button', href: '#/settings' }, '去设置')));
  if (items.length) addLine();
}

/**
 * The clinic's day: every record dated that day and the day's totals.
 * @param {HTMLElement} main
 * @param {string} dateText '' for today
 */
export async function renderConsumptionDay(main, dateText) {
  const day = await call('consumption.day', dateText ? { date: dateText } : {});
  const picker = dateInput({ id: 'day-picker', value: day.date, max: day.today || null, onchange: () => { location.hash = `#/consumption?date=${picker.value}`; } });
  const card = (label, value, id) => h('div', { class: 'card' }, h('div', { class: 'label' }, label), h('div', { class: 'value', id }, value));
  replace(main,
    h('div', { class: 'page-head' }, h('h1', {}, '消费档案'), h('span', { class: 'spacer' }), h('label', { for: 'day-picker', class: 'hint' }, '日期 '), picker),
    h('div', { class: 'cards' },
      card('收款', yuan(day.paid), 'day-paid'), card('退款', yuan(day.refunded), 'day-refunded'),
      card('净收入', yuan(day.net), 'day-net'), card('划扣次数', String(day.sessions_done), 'day-sessions'),
      card('到院登记', String(day.arrivals), 'day-arrivals')),
    h('div', { class: 'panel' },
      h('h2', {}, `${day.date} 的记录`),
      day.entries.length
        ? h('table', { class: 'list timeline', id: 'day-entries' },
          h('thead', {}, h('tr', {}, ['客户', '记录', '内容', '金额', '录入'].map((t) => h('th', {}, t)))),
          h('tbody', {}, day.entries.map((e) => h('tr', { class: e.voided ? 'voided' : '' },
            h('td', {}, h('a', { href: `#/customers/${e.customer_id}` }, e.customer_name)),
            h('td', {}, e.title, e.voided ? h('span', { class: 'hint' }, '（已作废）') : null),
            h('td', {}, orDash(e.detail)),
            h('td', { class: `money${e.amount && e.amount.startsWith('-') ? ' negative' : ''}` }, e.amount ? yuan(e.amount) : ''),
            h('td', { class: 'hint' }, e.by)))))
        : h('p', { class: 'empty' }, '这一天没有记录。在客户档案里开单、划扣，或在前台分诊登记到院。')));
}
