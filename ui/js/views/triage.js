/**
 * 前台分诊: the screen reception lives in. Type a phone, its last 4 digits, a
 * name or pinyin initials; a returning customer's card shows at once (memory
 * points, visits, spend, open packages); an unknown phone opens a quick
 * create form. Register the arrival, then move it along today's board.
 * Keyboard: type → Enter picks the first match → Enter registers.
 */
import { call, onChange } from '../api.js';
import { h, orDash, replace, toast } from '../dom.js';
import { looksLikePhone } from './customers.js';
import { yuan } from '../format.js';
import { typeahead } from '../typeahead.js';
import { labelChips } from './tiers.js';
import { walletStrip } from './wallet.js';
import { openBookingDialog, renderExpected } from './appointments.js';

const STATUS = { waiting: '等待', consulting: '咨询中', treating: '治疗中', left: '已离院' };
// The next step, and how it is shown on the board's narrow buttons.
const NEXT = { waiting: ['consulting', '开始咨询', '咨询'], consulting: ['treating', '开始治疗', '治疗'] };

/**
 * @param {HTMLElement} main
 */
export async function renderTriage(main) {
  const [catalogue, staff, channelList] = await Promise.all([call('items.list'), call('staff.list'), call('channels.list')]);
  // 渠道 from the owner's list only, so 小红书 / 红书 / xhs stay one channel.
  const channelOptions = channelList.channels.map((ch) => ({ value: ch.name, text: ch.name, keys: ch.keys }));
  const channelPicker = (id, value) => {
    const picker = typeahead({ id, options: channelOptions, value, placeholder: channelOptions.length ? '输入渠道或拼音首字母' : '院长可在 设置 → 来源渠道 添加' });
    if (value && !channelOptions.some((o) => o.value === value)) picker.input.value = value;
    return picker;
  };
  let latest = 0;
  const carers = staff.filter((s) => s.active && ['consultant', 'doctor', 'nurse'].includes(s.role));
  const input = h('input', {
    id: 'desk-search', type: 'search', autocomplete: 'off', spellcheck: 'false',
    placeholder: '来客：输入手机号、后四位、姓名或拼音首字母', 'aria-label': '查找来客',
  });
  const results = h('div', { id: 'desk-results' });
  const card = h('div', { id: 'desk-card' });
  const board = h('div', { id: 'board' });
  const counts = h('div', { class: 'hint', id: 'board-counts' });
  const expected = h('div', { id: 'expected-box' });

  replace(main,
    h('div', { class: 'page-head' }, h('h1', {}, '前台分诊'), h('span', { class: 'spacer' }),
      h('span', { class: 'hint' }, h('kbd', {}, 'F2'), ' 找客户 · ↑↓ 选择 · ', h('kbd', {}, 'Enter'), ' 确认')),
    h('div', { class: 'desk' },
      h('section', { class: 'desk-left', 'aria-label': '来客登记' },
        h('div', { class: 'search-box' }, input), results, card, expected),
      h('section', { class: 'desk-right', 'aria-label': '今日到院' },
        h('div', { class: 'page-head' }, h('h2', {}, '今日到院'), h('span', { class: 'spacer' }), counts),
        board)));

  let hits = [];
  let selected = 0;
  let seq = 0;

  const loadBoard = async () => {
    const { entries } = await call('desk.board');
    const n = (s) => entries.filter((e) => e.status === s).length;
    const deals = entries.filter((e) => e.outcome === 'deal').length;
    replace(counts, `等待 ${n('waiting')} · 咨询中 ${n('consulting')} · 治疗中 ${n('treating')} · 已离院 ${n('left')}（成交 ${deals}）`);
    if (!entries.length) {
      replace(board, h('p', { class: 'empty panel' }, '今天还没有登记到院的客户。'));
      return;
    }
    replace(board, h('table', { class: 'list board' },
      h('thead', {}, h('tr', {}, ['客户', '状态 · 接待', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, entries.map((e) => boardRow(e)))));
    // The arrival just registered here: on top, marked, in view.
    const fresh = latest && board.querySelector(`tr[data-arrival="${latest}"]`);
    if (fresh) { fresh.classList.add('just-added'); fresh.scrollIntoView({ block: 'nearest', inline: 'nearest' }); }
  };

  const loadExpected = () => renderExpected(expected, loadBoard).catch((err) => replace(expected, h('p', { class: 'hint' }, err.message)));

  // Another desk registered, moved or checked someone in: the board follows
  // (the search box and the card being filled in are left alone).
  let pending = null;
  const stop = onChange(() => {
    if (!document.body.contains(board)) { stop(); return; }
    clearTimeout(pending);
    pending = setTimeout(() => { loadBoard().catch(() => {}); loadExpected(); }, 200);
  });

  const move = async (e, status, outcome) => {
    try {
      await call('desk.move', { id: e.id, status, outcome });
      await loadBoard();
    } catch (err) { toast(err.message, 'error'); }
  };

  const boardRow = (e) => {
    const actions = h('td', { class: 'row-actions' });
    if (e.status !== 'left') {
      const next = NEXT[e.status];
      if (next) actions.append(h('button', { type: 'button', class: 'small', 'aria-label': next[1], title: next[1], onclick: () => move(e, next[0]) }, next[2]));
      actions.append(
        h('button', { type: 'button', class: 'small primary', 'aria-label': '离院·成交', onclick: () => move(e, 'left', 'deal') }, '成交离院'),
        h('button', { type: 'button', class: 'small', 'aria-label': '离院·未成交', onclick: () => move(e, 'left', 'no_deal') }, '未成交'));
    }
    const rebook = h('button', {
      type: 'button', class: 'link', dataset: { rebook: String(e.customer_id) },
      onclick: async () => { await openBookingDialog({ customer: { id: e.customer_id, name: e.name, phone: e.phone } }); },
    }, '约下次');
    const assign = h('select', {
      'aria-label': `${e.name} 的接待人`, disabled: e.status === 'left',
      onchange: async () => {
        try {
          await call('desk.move', { id: e.id, status: e.status, assigned_to: Number(assign.value) });
          await loadBoard();
        } catch (err) { toast(err.message, 'error'); }
      },
    }, h('option', { value: '' }, '未分配'), carers.map((s) => h('option', { value: String(s.id), selected: s.id === e.assigned_to ? 'selected' : null }, s.name)));
    const about = [e.arrived_time ? `${e.arrived_time} 到` : '', e.kind, e.purpose].filter(Boolean).join(' · ');
    return h('tr', { dataset: { arrival: String(e.id), status: e.status } },
      h('td', {}, h('a', { href: `#/customers/${e.customer_id}`, class: 'name-cell' }, e.name),
        h('span', { class: 'tail phone', title: '手机尾号' }, `·${e.phone.slice(-4)}`), ' ', rebook, h('div', { class: 'hint when' }, about)),
      h('td', { class: 'state' }, h('span', { class: `status ${e.status}` }, STATUS[e.status]),
        e.outcome ? h('span', { class: `status ${e.outcome}` }, e.outcome === 'deal' ? '成交' : '未成交') : null, assign),
      actions);
  };

  const showCard = async (id) => {
    const c = await call('desk.card', { id });
    const cust = c.file.customer;
    const f = c.facts;
    const booked = c.appointment_today;
    const kindWanted = booked ? booked.arrival_kind : f.visit_days ? '复诊' : '初诊';
    const kind = h('select', { id: 'arrival-kind', name: 'kind' },
      catalogue.arrival_kinds.map((k) => h('option', { value: k, selected: k === kindWanted ? 'selected' : null }, k)));
    const channel = channelPicker('arrival-channel', cust.channel || '');
    const purpose = h('input', { id: 'arrival-purpose', name: 'purpose', value: booked ? booked.item || booked.purpose : '', placeholder: '如 水光复查、咨询双眼皮', autocomplete: 'off' });
    const assigned = (s) => (booked && booked.staff_id ? s.id === booked.staff_id : cust.consultant === s.name);
    const assign = h('select', { id: 'arrival-assign', name: 'assigned_to' },
      h('option', { value: '' }, '暂不分配'),
      carers.map((s) => h('option', { value: String(s.id), selected: assigned(s) ? 'selected' : null }, `${s.name}（${s.role_label}）`)));
    const department = h('input', { id: 'arrival-department', name: 'department', placeholder: '如 皮肤科、整形外科', autocomplete: 'off' });
    const onBoard = c.today_arrival && c.today_arrival.status !== 'left';
    const form = h('form', {
      class: 'arrival-form', novalidate: true,
      onsubmit: async (ev) => {
        ev.preventDefault();
        try {
          const saved = await call('desk.register', {
            customer_id: cust.id, kind: kind.value, channel: channel.input.value.trim(), purpose: purpose.value,
            department: department.value, assigned_to: assign.value ? Number(assign.value) : null,
          });
          latest = saved.id;
          toast(`已登记：${cust.name} 到院`);
          replace(card);
          input.value = '';
          replace(results);
          await Promise.all([loadBoard(), loadExpected()]);
          input.focus();
        } catch (err) { toast(err.message, 'error'); }
      },
      onkeydown: (ev) => {
        // Enter in the 渠道 list takes the channel; the next Enter registers.
        if (ev.defaultPrevented) return;
        if (ev.key === 'Enter' && !(ev.target instanceof HTMLButtonElement)) { ev.preventDefault(); form.requestSubmit(); }
        if (ev.key === 'Escape') { replace(card); input.focus(); input.select(); }
      },
    },
    h('div', { class: 'fields compact' },
      field('到院类型', kind), field('接待人', assign), field('目的', purpose), field('渠道', channel.el, 'arrival-channel'), field('科室', department)),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'register-arrival', disabled: onBoard }, '登记到院 ', h('kbd', {}, 'Enter')),
      h('a', { class: 'button', href: `#/customers/${cust.id}` }, '打开档案'),
      onBoard ? h('span', { class: 'alert' }, `今天已到院（${STATUS[c.today_arrival.status]}）`) : null));

    replace(card, h('div', { class: 'panel desk-card' },
      h('div', { class: 'file-head' },
        h('span', { class: 'name', id: 'card-name' }, cust.name),
        h('span', { class: 'meta phone' }, cust.phone),
        f.visit_days ? h('span', { class: 'tag' }, `老客 · 到院 ${f.visit_days} 天`) : h('span', { class: 'tag new' }, '新客（首次到院）'),
        cust.marketing_opt_out ? h('span', { class: 'alert' }, '不接受营销') : null),
      h('div', { id: 'card-labels', class: 'card-labels' }, labelChips(c.labels)),
      booked ? h('div', { class: 'memo-strip', id: 'card-appointment' }, '今日预约：', h('strong', {}, `${booked.start} ${booked.item || booked.purpose}`), booked.staff_name ? ` · ${booked.staff_name}` : '', '（登记到院即为已到）') : null,
      c.file.memory_points.length ? h('div', { class: 'memo-strip', id: 'card-memory' }, '记忆点：', c.file.memory_points.map((m) => h('span', { class: 'memo' }, m.text))) : null,
      cust.allergies ? h('div', { class: 'memo-strip' }, '过敏史：', h('span', { class: 'alert' }, cust.allergies)) : null,
      h('dl', { class: 'facts inline' },
        h('dt', {}, '首次到院'), h('dd', {}, orDash(f.first_visit)),
        h('dt', {}, '最近到院'), h('dd', { id: 'card-last-visit' }, orDash(f.last_visit)),
        h('dt', {}, '近365天消费'), h('dd', {}, yuan(f.spend_365)),
        h('dt', {}, '累计消费'), h('dd', {}, yuan(f.spend_total)),
        h('dt', {}, '顾问'), h('dd', {}, orDash(cust.consultant))),
      walletStrip(c.wallet, cust.id, 'card-', () => showCard(cust.id)),
      h('div', { id: 'card-packages' },
        c.open_packages.length
          ? [h('h2', {}, '未用完的疗程'), h('ul', { class: 'packages' }, c.open_packages.map((p) => h('li', {}, h('strong', {}, p.item), ` 剩 ${p.left} 次（共 ${p.sessions} 次，${p.order_date} 购）`)))]
          : h('p', { class: 'hint' }, '没有未用完的疗程。')),
      form));
    kind.focus();
  };

  const showQuickCreate = (q) => {
    const name = h('input', { id: 'quick-name', name: 'name', placeholder: '姓名', autocomplete: 'off', value: looksLikePhone(q) ? '' : q.trim() });
    const phone = h('input', { id: 'quick-phone', name: 'phone', type: 'tel', value: looksLikePhone(q) ? q.trim() : '', autocomplete: 'off' });
    const gender = h('select', { id: 'quick-gender', name: 'gender' }, [['', '未填'], ['F', '女'], ['M', '男']].map(([v, l]) => h('option', { value: v }, l)));
    const channel = channelPicker('quick-channel', '');
    const errors = h('div', { role: 'alert' });
    const form = h('form', {
      class: 'panel quick-create', novalidate: true,
      onsubmit: async (ev) => {
        ev.preventDefault();
        try {
          const picked = channel.picked;
          if (channel.input.value.trim() && !picked) {
            replace(errors, h('div', { class: 'form-errors' }, `渠道「${channel.input.value.trim()}」不在本店的渠道列表里：请从列表中选择（新渠道请院长在 设置 → 来源渠道 添加），或留空。`));
            channel.focus();
            return;
          }
          const saved = await call('customers.create', { name: name.value, phone: phone.value, gender: gender.value || null, channel: picked ? picked.value : '' });
          toast(`已为「${saved.customer.name}」建档`);
          replace(results);
          await showCard(saved.customer.id);
        } catch (err) {
          replace(errors, h('div', { class: 'form-errors' }, (err.problems.length ? err.problems.map((p) => p.reason) : [err.message]).join('；')));
          // The cursor goes to the first field the core found wrong.
          const bad = { phone, name, gender }[(err.problems[0] || {}).column];
          if (bad) { bad.focus(); if (bad instanceof HTMLInputElement) bad.select(); }
        }
      },
      onkeydown: (ev) => { if (ev.key === 'Escape' && !ev.defaultPrevented) { replace(results); input.focus(); input.select(); } },
    },
    h('h2', {}, '新客户：快速建档'),
    h('p', { class: 'hint' }, `没有找到「${q.trim()}」。填好姓名即可建档，其余信息之后在客户档案里补。`),
    errors,
    h('div', { class: 'fields compact' }, field('姓名', name), field('手机号', phone), field('性别', gender), field('来源渠道', channel.el, 'quick-channel')),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'quick-save' }, '建档并登记 ', h('kbd', {}, 'Enter'))));
    replace(results, form);
    replace(card);
    (looksLikePhone(q) ? name : phone).focus();
  };

  const showHits = (q) => {
    if (!q.trim()) { replace(results); return; }
    if (!hits.length) { showQuickCreate(q); return; }
    replace(results, h('ul', { class: 'desk-hits', role: 'listbox', 'aria-label': '来客候选' }, hits.map((c, i) => h('li', {
      role: 'option', 'aria-selected': String(i === selected), dataset: { id: String(c.id) },
      onclick: () => { replace(results); showCard(c.id).catch((e) => toast(e.message, 'error')); },
    }, h('span', { class: 'name-cell' }, c.name), ' ', h('span', { class: 'phone hint' }, c.phone), ' ', (c.memory_points || []).map((m) => h('span', { class: 'memo' }, m))))));
  };

  const search = async () => {
    const q = input.value;
    const mine = ++seq;
    const found = q.trim() ? await call('customers.search', { q, limit: 8 }) : [];
    if (mine !== seq) return;
    hits = found;
    selected = 0;
    showHits(q);
  };

  let timer = 0;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    replace(card);
    timer = setTimeout(() => search().catch((e) => toast(e.message, 'error')), 90);
  });
  input.addEventListener('keydown', async (e) => {
    const items = results.querySelectorAll('li[role=option]');
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      selected = Math.max(0, Math.min(hits.length - 1, selected + (e.key === 'ArrowDown' ? 1 : -1)));
      items.forEach((li, n) => li.setAttribute('aria-selected', String(n === selected)));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      clearTimeout(timer);
      await search();
      if (hits[selected]) {
        const id = hits[selected].id;
        replace(results);
        await showCard(id);
      }
    } else if (e.key === 'Escape') {
      input.value = '';
      replace(results);
      replace(card);
    }
  });

  await Promise.all([loadBoard(), loadExpected()]);
  input.focus();
}

function field(label, control, id = control.id) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}
