/**
 * 预约: the booking book. The day view has a column per doctor/consultant and
 * a row per slot (an empty slot books with one click); the week view shows
 * each staff member's days with busy and free slots; the reminder list gives
 * tomorrow's appointments with a message ready to copy. The booking dialog is
 * shared with the callback checklist, the customer file and the desk.
 * Routes: #/appointments?date=YYYY-MM-DD&view=day|week|reminders
 */
import { addDays, dateInput } from '../dates.js';
import { call, onChange } from '../api.js';
import { h, orDash, replace, toast, ask } from '../dom.js';

const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];


function weekday(dateText) {
  return WEEKDAYS[new Date(`${dateText}T00:00:00Z`).getUTCDay()];
}

const minutes = (hhmm) => { const [hh, mm] = hhmm.split(':').map(Number); return hh * 60 + mm; };
const hhmm = (m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** Slot start times between opening and closing. */
function slots(settings) {
  const out = [];
  for (let m = minutes(settings.open); m + settings.slot_minutes <= minutes(settings.close); m += settings.slot_minutes) out.push(hhmm(m));
  return out;
}

let optionsCache = null;
async function options() {
  if (!optionsCache) optionsCache = await call('appointments.options');
  return optionsCache;
}

/** Customer search inside the dialog: type, ↓/Enter picks. */
function customerPicker(onPick) {
  const input = h('input', { id: 'book-customer-search', type: 'search', autocomplete: 'off', placeholder: '手机号、后四位、姓名或拼音首字母', 'aria-label': '查找客户' });
  const list = h('ul', { class: 'desk-hits', id: 'book-customer-hits' });
  let hits = [];
  let seq = 0;
  input.addEventListener('input', async () => {
    const q = input.value.trim();
    const mine = ++seq;
    if (!q) { replace(list); hits = []; return; }
    try {
      const found = await call('customers.search', { q });
      if (mine !== seq) return;
      hits = found.slice(0, 6);
      replace(list, hits.map((c, i) => h('li', { 'aria-selected': i === 0 ? 'true' : 'false', onclick: () => onPick(c) }, `${c.name} ${c.phone}`)));
    } catch (e) { toast(e.message, 'error'); }
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && hits[0]) { e.preventDefault(); onPick(hits[0]); }
  });
  return h('div', { class: 'field wide' }, h('label', { for: 'book-customer-search' }, '客户', h('span', { class: 'req' }, '*')), input, list);
}

/**
 * The booking dialog. Resolves to the booked appointment, or null.
 * @param {{moveId?: number, minutes?: number, customer?: {id:number,name:string,phone:string}, purpose?: string, taskId?: number, date?: string, time?: string, staffId?: number|null, itemId?: number|null, itemName?: string, note?: string}} preset
 */
export async function openBookingDialog(preset = {}) {
  let opts;
  let items;
  try {
    [opts, { items }] = await Promise.all([options(), call('items.list')]);
  } catch (e) {
    toast(e.message, 'error');
    return null;
  }
  return new Promise((resolve) => {
    let customer = preset.customer || null;
    const back = h('div', { class: 'modal-back' });
    const close = (value) => { back.remove(); resolve(value); };
    const who = h('div', { class: 'field wide', id: 'book-customer' });
    const showCustomer = () => {
      if (customer) {
        replace(who, h('label', {}, '客户'), h('div', { class: 'file-head' }, h('span', { class: 'name' }, customer.name), h('span', { class: 'meta phone' }, customer.phone),
          preset.customer ? null : h('button', { type: 'button', class: 'link', onclick: () => { customer = null; showCustomer(); } }, '换一位')));
        date.focus();
      } else {
        replace(who, customerPicker((c) => { customer = c; showCustomer(); }));
        who.querySelector('input')?.focus();
      }
    };
    const date = dateInput({ id: 'book-date', value: preset.date || addDays(opts.today, 1), min: opts.today, label: '预约日期' });
    const time = h('select', { id: 'book-time', 'aria-label': '预约时间' }, slots(opts.settings).map((t) => h('option', { value: t, selected: t === (preset.time || '10:00') ? 'selected' : null }, t)));
    const length = h('select', { id: 'book-minutes', 'aria-label': '时长' }, [1, 2, 3, 4, 6].map((n) => n * opts.settings.slot_minutes)
      .map((m) => h('option', { value: String(m), selected: m === preset.minutes ? 'selected' : null }, `${m} 分钟`)));
    const carers = opts.staff.filter((s) => ['doctor', 'consultant'].includes(s.role));
    const others = opts.staff.filter((s) => !['doctor', 'consultant'].includes(s.role));
    const staff = h('select', { id: 'book-staff', 'aria-label': '医生/顾问' },
      h('option', { value: '' }, '不指定'),
      [...carers, ...others].map((s) => h('option', { value: String(s.id), selected: s.id === preset.staffId ? 'selected' : null }, `${s.name}（${s.role_label}）`)));
    const purpose = h('select', { id: 'book-purpose', 'aria-label': '预约目的' }, opts.purposes.map((p) => h('option', { value: p, selected: p === (preset.purpose || '复查') ? 'selected' : null }, p)));
    const item = h('select', { id: 'book-item', 'aria-label': '项目' }, h('option', { value: '' }, '（不指定项目）'),
      items.filter((i) => i.active).map((i) => h('option', { value: String(i.id), selected: i.id === preset.itemId || i.name === preset.itemName ? 'selected' : null }, i.name)));
    const note = h('input', { id: 'book-note', type: 'text', autocomplete: 'off', value: preset.note || '', placeholder: '如：主刀医生优先、怕疼先敷麻' });
    const errors = h('div', { id: 'book-errors', role: 'alert' });
    const field = (label, input) => h('div', { class: 'field' }, h('label', { for: input.id }, label), input);
    const form = h('form', {
      class: 'modal booking', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'book-title', novalidate: true,
      onkeydown: (e) => { if (e.key === 'Escape') close(null); },
      onsubmit: async (e) => {
        e.preventDefault();
        if (!customer) { replace(errors, h('div', { class: 'form-errors' }, '请先选择客户')); return; }
        try {
          const where = { date: date.value.trim(), time: time.value, minutes: Number(length.value), staff_id: staff.value ? Number(staff.value) : null };
          const a = preset.moveId
            ? await call('appointments.move', { id: preset.moveId, ...where })
            : await call('appointments.book', {
              customer_id: customer.id, ...where, purpose: purpose.value, item_id: item.value ? Number(item.value) : null,
              note: note.value, task_id: preset.taskId || null,
            });
          toast(`${preset.moveId ? '已改期' : '已预约'}：${a.name} ${a.date} ${a.start} ${a.purpose}`);
          close(a);
        } catch (err) {
          replace(errors, h('div', { class: 'form-errors' }, err.message));
        }
      },
    },
    h('h2', { id: 'book-title' }, preset.moveId ? '改期' : preset.taskId ? '回访约到院' : '新建预约'),
    errors,
    h('div', { class: 'fields' }, who, field('日期', date), field('时间', time), field('医生/顾问', staff), field('时长', length),
      preset.moveId ? null : [field('目的', purpose), field('项目', item), h('div', { class: 'field wide' }, h('label', { for: 'book-note' }, '备注'), note)]),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'book-save' }, '确定预约 ', h('kbd', {}, 'Enter')),
      h('button', { type: 'button', onclick: () => close(null) }, '取消 ', h('kbd', {}, 'Esc'))));
    back.append(form);
    document.body.append(back);
    showCustomer();
  });
}

function statusBadge(a) {
  return h('span', { class: `status appt-${a.status}` }, a.status_label);
}

/** An appointment's details, history and what can be done with it. */
async function openDetail(id, reload) {
  const a = await call('appointments.get', { id });
  const back = h('div', { class: 'modal-back' });
  const close = () => back.remove();
  const act = async (fn) => { try { await fn(); close(); await reload(); } catch (e) { toast(e.message, 'error'); } };
  const opts = await options();
  const actions = [];
  if (a.status === 'booked') {
    if (a.date === opts.today) actions.push(h('button', { type: 'button', class: 'primary', id: 'appt-check-in', onclick: () => act(async () => { await call('appointments.check_in', { id }); toast(`${a.name} 已登记到院`); }) }, '到院登记'));
    actions.push(h('button', { type: 'button', id: 'appt-move', onclick: async () => {
      close();
      const moved = await openBookingDialog({
        moveId: id, customer: { id: a.customer_id, name: a.name, phone: a.phone },
        date: a.date, time: a.start, minutes: a.end_min - a.start_min, staffId: a.staff_id,
      });
      if (moved) await reload();
    } }, '改期'));
    actions.push(h('button', { type: 'button', class: 'danger', id: 'appt-cancel', onclick: () => act(async () => {
      const reason = await ask('取消预约', '取消原因');
      if (reason == null) return;
      await call('appointments.cancel', { id, reason });
      toast('预约已取消');
    }) }, '取消预约'));
  }
  const form = h('div', { class: 'modal', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'appt-title', tabindex: '-1', onkeydown: (e) => { if (e.key === 'Escape') close(); } },
    h('h2', { id: 'appt-title' }, `${a.name} · ${a.date} ${a.start}–${a.end}`),
    h('dl', { class: 'facts' },
      h('dt', {}, '手机号'), h('dd', { class: 'phone' }, a.phone),
      h('dt', {}, '医生/顾问'), h('dd', {}, a.staff_name || '不指定'),
      h('dt', {}, '目的'), h('dd', {}, a.item ? `${a.purpose}（${a.item}）` : a.purpose),
      h('dt', {}, '状态'), h('dd', {}, statusBadge(a)),
      h('dt', {}, '备注'), h('dd', {}, orDash(a.note))),
    h('h3', {}, '记录'),
    h('ul', { class: 'appt-history' }, a.history.map((e) => h('li', {}, `${e.on_date} ${e.by || '系统'} ${e.label}${e.detail ? `：${e.detail}` : ''}`))),
    h('div', { class: 'actions' }, actions, h('a', { class: 'button', href: `#/customers/${a.customer_id}`, onclick: close }, '打开档案'), h('button', { type: 'button', onclick: close }, '关闭')));
  back.append(form);
  document.body.append(back);
  form.focus();
}

function appointmentChip(a, reload) {
  return h('button', {
    type: 'button', class: `appt appt-${a.status}`, dataset: { appointment: String(a.id) },
    onclick: () => openDetail(a.id, reload).catch((e) => toast(e.message, 'error')),
    title: `${a.name} ${a.start}–${a.end} ${a.purpose}${a.item ? ` ${a.item}` : ''}`,
  }, h('strong', {}, a.name), ' ', h('span', {}, a.item || a.purpose), a.status !== 'booked' ? [' ', statusBadge(a)] : null);
}

/**
 * A column's appointments as blocks of slots: overlapping ones (possible
 * only without a named staff member) share a block.
 * @returns {Map<number, {span: number, list: any[]}>} by first slot index
 */
function blocks(list, open, slotMinutes, slotCount) {
  const out = new Map();
  let current = null;
  for (const a of [...list].sort((x, y) => x.start_min - y.start_min)) {
    const first = Math.max(0, Math.floor((a.start_min - open) / slotMinutes));
    const last = Math.min(slotCount - 1, Math.ceil((a.end_min - open) / slotMinutes) - 1);
    if (current && first <= current.last) {
      current.last = Math.max(current.last, last);
      current.list.push(a);
    } else {
      current = { first, last, list: [a] };
      out.set(first, current);
    }
  }
  return new Map([...out].map(([k, v]) => [k, { span: v.last - v.first + 1, list: v.list }]));
}

/** The day book: a row per slot, a column per staff member. */
function dayGrid(book, reload) {
  const times = slots({ open: book.open, close: book.close, slot_minutes: book.slot_minutes });
  const open = minutes(book.open);
  const live = book.appointments.filter((a) => a.status !== 'cancelled');
  const cols = [...book.columns];
  if (!cols.some((c) => c.staff_id == null)) cols.push({ staff_id: null, name: '不指定', role_label: '' });
  const colBlocks = cols.map((c) => blocks(live.filter((a) => (a.staff_id ?? null) === (c.staff_id ?? null)), open, book.slot_minutes, times.length));
  const skip = cols.map(() => 0);
  const body = h('tbody', {}, times.map((t, i) => h('tr', {}, h('th', { class: 'slot-time' }, t), cols.map((c, k) => {
    if (skip[k] > 0) { skip[k] -= 1; return null; }
    const block = colBlocks[k].get(i);
    if (block) {
      skip[k] = block.span - 1;
      return h('td', { class: 'busy', rowspan: String(block.span) }, block.list.map((a) => appointmentChip(a, reload)));
    }
    return h('td', { class: 'free' }, h('button', {
      type: 'button', class: 'slot-free', 'aria-label': `${book.first} ${t} ${c.name} 空闲，预约`,
      dataset: { staff: c.staff_id == null ? 'none' : String(c.staff_id), time: t },
      onclick: async () => { if (await openBookingDialog({ date: book.first, time: t, staffId: c.staff_id })) await reload(); },
    }, '＋'));
  }))));
  const cancelled = book.appointments.filter((a) => a.status === 'cancelled');
  return h('div', {},
    h('div', { class: 'book-scroll' }, h('table', { class: 'book-grid', id: 'day-book' },
      h('thead', {}, h('tr', {}, h('th', {}, '时间'), cols.map((c) => h('th', {}, c.name, c.role_label ? h('span', { class: 'hint' }, ` ${c.role_label}`) : null)))),
      body)),
    cancelled.length ? h('p', { class: 'hint' }, `已取消：${cancelled.map((a) => `${a.start} ${a.name}`).join('、')}`) : null);
}

/** The week: a row per staff member, a column per day, busy and free counts. */
function weekGrid(book, reload) {
  const perDay = slots({ open: book.open, close: book.close, slot_minutes: book.slot_minutes }).length;
  const cols = [...book.columns];
  if (book.appointments.some((a) => a.staff_id == null) && !cols.some((c) => c.staff_id == null)) cols.push({ staff_id: null, name: '不指定', role_label: '' });
  return h('div', { class: 'book-scroll' }, h('table', { class: 'book-grid week', id: 'week-book' },
    h('thead', {}, h('tr', {}, h('th', {}, ''), book.days.map((d) => h('th', {}, h('a', { href: `#/appointments?date=${d}&view=day` }, `${d.slice(5)} ${weekday(d)}`))))),
    h('tbody', {}, cols.map((c) => h('tr', {},
      h('th', {}, c.name, c.role_label ? h('div', { class: 'hint' }, c.role_label) : null),
      book.days.map((d) => {
        const mine = book.appointments.filter((a) => a.date === d && (a.staff_id ?? null) === (c.staff_id ?? null) && a.status !== 'cancelled');
        const used = mine.reduce((n, a) => n + Math.ceil((a.end_min - a.start_min) / book.slot_minutes), 0);
        return h('td', {},
          mine.map((a) => h('div', { class: 'week-line' }, h('span', { class: 'phone' }, a.start), ' ', appointmentChip(a, reload))),
          c.staff_id != null ? h('div', { class: 'hint' }, `已约 ${used} · 空 ${Math.max(0, perDay - used)}`) : null);
      }))))));
}

function copyText(text) {
  const area = h('textarea', { style: 'position:fixed;left:-9999px' });
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch { ok = false; }
  area.remove();
  if (!ok && navigator.clipboard) navigator.clipboard.writeText(text).then(() => toast('已复制'), () => toast('无法自动复制，请手动选中文字复制', 'error'));
  else toast(ok ? '已复制，可粘贴到微信或短信' : '无法自动复制，请手动选中文字复制', ok ? 'ok' : 'error');
}

async function reminderList(date) {
  const data = await call('appointments.reminders', { date });
  if (!data.reminders.length) return h('div', { class: 'panel empty', id: 'reminders' }, `${data.date} 没有待提醒的预约。`);
  return h('div', { id: 'reminders' },
    h('p', { class: 'hint' }, `${data.date}（${weekday(data.date)}）共 ${data.reminders.length} 位。留客不会自动发送，请逐条复制到微信或短信，或直接打电话。`),
    data.reminders.map((r) => h('div', { class: 'panel reminder' },
      h('div', { class: 'file-head' },
        h('a', { class: 'name', href: `#/customers/${r.appointment.customer_id}` }, r.appointment.name),
        h('a', { class: 'meta phone', href: `tel:${r.appointment.phone}` }, r.appointment.phone),
        h('span', { class: 'meta' }, `${r.appointment.start} ${r.appointment.staff_name || '不指定'} ${r.appointment.purpose}`)),
      h('p', { class: 'script reminder-text' }, r.text),
      h('button', { type: 'button', onclick: () => copyText(r.text) }, '复制提醒文字'))));
}

/**
 * @param {HTMLElement} main
 * @param {URLSearchParams} query
 */
export async function renderAppointments(main, query) {
  const opts = await options();
  const view = query.get('view') || 'day';
  const date = query.get('date') || (view === 'reminders' ? addDays(opts.today, 1) : opts.today);
  const go = (changes) => { location.hash = `#/appointments?${new URLSearchParams({ date, view, ...changes })}`; };
  const step = view === 'week' ? 7 : 1;
  const body = h('div', { id: 'book-body' }, h('p', { class: 'progress' }, '正在打开预约簿…'));
  const reload = async () => {
    optionsCache = null;
    if (view === 'reminders') replace(body, await reminderList(date));
    else if (view === 'week') replace(body, weekGrid(await call('appointments.week', { date }), reload));
    else replace(body, dayGrid(await call('appointments.day', { date }), reload));
  };
  const tab = (key, label) => h('button', { type: 'button', class: view === key ? 'primary' : '', 'aria-pressed': view === key ? 'true' : 'false', onclick: () => go({ view: key }) }, label);
  replace(main,
    h('div', { class: 'page-head' },
      h('h1', {}, '预约'),
      h('span', { class: 'hint', id: 'book-day-label' }, view === 'week' ? `${date} 所在周` : `${date} ${weekday(date)}`),
      h('span', { class: 'spacer' }),
      h('button', { type: 'button', 'aria-label': '往前', onclick: () => go({ date: addDays(date, -step) }) }, '‹'),
      h('button', { type: 'button', onclick: () => go({ date: view === 'reminders' ? addDays(opts.today, 1) : opts.today }) }, view === 'reminders' ? '明天' : '今天'),
      h('button', { type: 'button', 'aria-label': '往后', onclick: () => go({ date: addDays(date, step) }) }, '›'),
      tab('day', '日'), tab('week', '周'), tab('reminders', '提醒清单'),
      h('button', { type: 'button', id: 'print-book', onclick: () => window.print() }, '打印'),
      h('button', { type: 'button', class: 'primary', id: 'new-appointment', onclick: async () => { if (await openBookingDialog({ date: date < opts.today ? opts.today : date })) await reload(); } }, '新建预约')),
    h('p', { class: 'hint' }, `营业时间 ${opts.settings.open}–${opts.settings.close}，每格 ${opts.settings.slot_minutes} 分钟。点空格直接预约；同一位医生同一时段只能约一位。`),
    body);
  await reload();
  // Booked, moved, cancelled or checked in on another desk: the book follows,
  // unless a booking is being filled in here.
  let pending = null;
  const stop = onChange(() => {
    if (!document.body.contains(body)) { stop(); return; }
    clearTimeout(pending);
    pending = setTimeout(() => { if (!document.querySelector('.modal-back')) reload().catch(() => {}); }, 200);
  });
}

/**
 * A customer's appointments in the file: upcoming and past, and a button to book.
 * @param {HTMLElement} box
 * @param {{id:number,name:string,phone:string}} customer
 */
export async function renderCustomerAppointments(box, customer) {
  const data = await call('appointments.customer', { customer_id: customer.id });
  const reload = () => renderCustomerAppointments(box, customer).catch((e) => toast(e.message, 'error'));
  const row = (a) => h('tr', {},
    h('td', { class: 'phone' }, `${a.date} ${a.start}`), h('td', {}, a.staff_name || '不指定'), h('td', {}, a.item ? `${a.purpose}（${a.item}）` : a.purpose),
    h('td', {}, statusBadge(a)), h('td', { class: 'hint' }, orDash(a.note)));
  const table = (list) => h('table', { class: 'list' }, h('thead', {}, h('tr', {}, ['时间', '医生/顾问', '目的', '状态', '备注'].map((t) => h('th', {}, t)))), h('tbody', {}, list.map(row)));
  replace(box, h('div', { class: 'panel', id: 'appointments-panel' },
    h('div', { class: 'page-head' }, h('h2', {}, '预约'), h('span', { class: 'spacer' }),
      h('button', { type: 'button', id: 'file-book', onclick: async () => { if (await openBookingDialog({ customer })) await reload(); } }, '预约到院')),
    data.upcoming.length ? table(data.upcoming) : h('p', { class: 'empty' }, '没有待到院的预约。'),
    data.past.length ? h('details', {}, h('summary', {}, `以往预约（${data.past.length}）`), table(data.past.slice(0, 30))) : null));
}

/**
 * Today's expected arrivals at the desk: Enter (or a click) on one checks
 * the customer in.
 * @param {HTMLElement} box
 * @param {() => Promise<void>} onArrived
 */
export async function renderExpected(box, onArrived) {
  const list = await call('appointments.expected');
  const reload = () => renderExpected(box, onArrived).catch((e) => toast(e.message, 'error'));
  replace(box, h('div', { class: 'panel', id: 'expected' },
    h('div', { class: 'page-head' }, h('h2', {}, `今日预约 · 待到院 ${list.length}`), h('span', { class: 'spacer' }), h('a', { href: '#/appointments' }, '预约簿')),
    list.length
      ? h('ul', { class: 'expected-list' }, list.map((a) => h('li', {},
        h('button', {
          type: 'button', class: 'expected', dataset: { appointment: String(a.id) }, 'aria-label': `${a.start} ${a.name} ${a.purpose}，按 Enter 登记到院`,
          onclick: async () => {
            try { await call('appointments.check_in', { id: a.id }); toast(`${a.name} 已登记到院`); await Promise.all([reload(), onArrived()]); } catch (e) { toast(e.message, 'error'); }
          },
        }, h('span', { class: 'phone' }, a.start), ' ', h('strong', {}, a.name), ' ', h('span', {}, a.item || a.purpose), a.staff_name ? h('span', { class: 'hint' }, ` · ${a.staff_name}`) : null, h('span', { class: 'spacer' }), h('span', { class: 'hint' }, '到院 ↵')))))
      : h('p', { class: 'empty' }, '今天没有待到院的预约。')));
}

/**
 * Opening hours, slot length and the clinic's details for reminders (设置, owner).
 * @param {HTMLElement} panel
 */
export async function renderBookingSettingsPanel(panel) {
  const { settings: s } = await call('appointments.options');
  const input = (id, label, value) => h('div', { class: 'field' }, h('label', { for: id }, label), h('input', { id, type: 'text', value: String(value), autocomplete: 'off' }));
  const slot = h('select', { id: 'bs-slot' }, [10, 15, 20, 30, 45, 60, 90, 120].map((n) => h('option', { value: String(n), selected: n === s.slot_minutes ? 'selected' : null }, `${n} 分钟`)));
  const form = h('form', {
    novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      const v = (id) => /** @type {HTMLInputElement} */ (form.querySelector(`#${id}`)).value;
      try {
        await call('appointments.save_settings', { open: v('bs-open'), close: v('bs-close'), slot_minutes: Number(slot.value), clinic_name: v('bs-name'), address: v('bs-address'), phone: v('bs-phone') });
        optionsCache = null;
        toast('预约设置已保存');
      } catch (err) { toast(err.message, 'error'); }
    },
  },
  h('div', { class: 'fields' },
    input('bs-open', '开始营业', s.open), input('bs-close', '结束营业', s.close),
    h('div', { class: 'field' }, h('label', { for: 'bs-slot' }, '每格时长'), slot),
    input('bs-name', '机构名称（提醒文字里用）', s.clinic_name), input('bs-address', '地址', s.address), input('bs-phone', '改约电话', s.phone)),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'bs-save' }, '保存预约设置')));
  replace(panel, h('h2', {}, '预约设置'), h('p', { class: 'hint' }, '营业时间和每格时长决定预约簿的格子；机构名称、地址和电话会写进给客户的提醒文字。只有院长可以保存。'), form);
}
