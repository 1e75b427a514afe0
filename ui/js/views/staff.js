/**
 * Staff: "who is at the desk" when the app opens, and the owner's list of
 * accounts in 设置. Every write carries the chosen person.
 */
import { call, inDesktop } from '../api.js';
import { connectScreen } from './pairing.js';
import { ask, h, replace, toast } from '../dom.js';
import { currentActor, currentToken, setActor } from '../session.js';

export const ROLES = [
  ['reception', '前台'], ['consultant', '咨询师'], ['doctor', '医生'],
  ['nurse', '护士'], ['service', '客服'], ['owner', '院长'],
];

function roleSelect(id, value) {
  return h('select', { id, name: 'role' }, ROLES.map(([v, label]) => h('option', { value: v, selected: v === value ? 'selected' : null }, label)));
}

/**
 * Asks who is at the desk unless someone valid is already chosen.
 * @param {boolean} force ask even if someone is chosen
 * @returns {Promise<void>}
 */
export async function askWhoIsAtTheDesk(force) {
  const staff = (await call('staff.list')).filter((s) => s.active);
  const current = currentActor();
  if (!force && current && staff.some((s) => s.id === current.id)) return;
  return new Promise((resolve) => {
    const back = h('div', { class: 'modal-back' });
    const modal = h('div', { class: 'modal', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'who-title' });
    back.append(modal);
    const done = async (chosen, pin) => {
      try {
        const session = await call('session.sign_in', { staff_id: chosen.id, pin: pin || null });
        // The colleague handing over the desk is signed out, not left signed in behind the new one.
        if (currentToken()) await call('session.sign_out').catch(() => {});
        setActor({ ...session.staff, token: session.token, may: session.may });
        back.remove();
        resolve();
      } catch (e) {
        if (e.problems && e.problems.some((p) => p.column === 'pin')) askPin(modal, chosen, done, e.message);
        else toast(e.message, 'error');
      }
    };
    if (staff.length === 0) renderFirstAccount(modal, done);
    else renderPicker(modal, staff, done, force && current ? () => { back.remove(); resolve(); } : null);
    document.body.append(back);
    const first = modal.querySelector('button, input');
    if (first instanceof HTMLElement) first.focus();
  });
}

/** The PIN step of signing in, for staff who have one. */
function askPin(modal, who, done, message) {
  const pin = h('input', { id: 'pin-input', type: 'password', inputmode: 'numeric', autocomplete: 'off', maxlength: '8' });
  replace(modal,
    h('h2', { id: 'who-title' }, `${who.name}，请输入 PIN`),
    message && !message.includes('请输入 PIN') ? h('div', { class: 'field-error', role: 'alert' }, message) : null,
    h('form', { onsubmit: (e) => { e.preventDefault(); done(who, pin.value); } },
      h('div', { class: 'field' }, h('label', { for: 'pin-input' }, 'PIN（4–8 位数字）'), pin),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'pin-ok' }, '登录'))));
  pin.focus();
}

/** The key that picks the n-th person (0-based): 1–9, then a–z. */
const pickKey = (n) => (n < 9 ? String(n + 1) : n < 35 ? String.fromCharCode(97 + n - 9) : null);

function renderPicker(modal, staff, done, cancel) {
  // Grouped by role in the order the day runs; every person gets a key.
  const order = ROLES.map(([r]) => r);
  const sorted = [...staff].sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role));
  const button = (s, i) => {
    const key = pickKey(i);
    return h('button', {
      type: 'button',
      dataset: { staffId: String(s.id) },
      onclick: () => done(s),
      'aria-label': `${s.name}，${s.role_label}${s.has_pin ? '，需要 PIN' : ''}`,
      title: key ? `按 ${key.toUpperCase()} 快速选择` : null,
    }, key ? h('kbd', {}, key.toUpperCase()) : null, ' ', s.name, h('span', { class: 'role' }, s.role_label));
  };
  const groups = ROLES.map(([role, label]) => [label, sorted.map((s, i) => [s, i]).filter(([s]) => s.role === role)]).filter(([, list]) => list.length);
  const buttons = groups.map(([label, list]) => h('section', { class: 'staff-group', 'aria-label': label },
    h('h3', {}, label), h('div', { class: 'staff-grid' }, list.map(([s, i]) => button(s, i)))));
  modal.addEventListener('keydown', (e) => {
    // Keys typed into the PIN box that follows are the PIN, not a pick.
    if (e.ctrlKey || e.altKey || e.metaKey || e.target instanceof HTMLInputElement) return;
    const i = sorted.findIndex((_, n) => pickKey(n) === e.key.toLowerCase());
    if (i >= 0) done(sorted[i]);
    if (e.key === 'Escape' && cancel) cancel();
  });
  replace(modal,
    h('h2', { id: 'who-title' }, '请选择当前在岗的员工'),
    h('p', { class: 'hint' }, '之后录入的每一条记录都会记下是谁录入的。'),
    buttons,
    cancel ? h('button', { type: 'button', onclick: cancel }, '取消') : null,
  );
}

function renderFirstAccount(modal, done) {
  const name = h('input', { id: 'first-name', type: 'text', autocomplete: 'off', placeholder: '例如：周院长' });
  const role = roleSelect('first-role', 'owner');
  const error = h('div', { class: 'field-error', role: 'alert' });
  const form = h('form', {
    onsubmit: async (e) => {
      e.preventDefault();
      try {
        done(await call('staff.create', { name: name.value, role: role.value }));
      } catch (err) {
        error.textContent = err.message;
      }
    },
  },
  h('div', { class: 'field' }, h('label', { for: 'first-name' }, '姓名'), name),
  h('div', { class: 'field' }, h('label', { for: 'first-role' }, '岗位'), role),
  error,
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, '建立账号并开始使用')));
  replace(modal,
    h('h2', { id: 'who-title' }, '欢迎使用留客'),
    h('p', {}, '第一次使用，请先建立一个员工账号（通常是院长），之后可在「设置」里添加其他员工。'),
    form,
    // 本机数据 above; a PC that is not the clinic's host connects to it instead.
    inDesktop ? h('p', { class: 'hint', style: 'margin-top:16px' }, '这台电脑不是主机？',
      h('button', {
        type: 'button', class: 'link', id: 'connect-host',
        onclick: () => { modal.parentElement?.remove(); connectScreen(/** @type {HTMLElement} */ (document.getElementById('main'))); },
      }, '连接本店主机')) : null,
  );
}

/**
 * The staff panel of 设置: list, add, change role, deactivate.
 * @param {HTMLElement} panel
 */
export async function renderStaffPanel(panel) {
  const staff = await call('staff.list');
  const name = h('input', { id: 'new-staff-name', type: 'text', autocomplete: 'off', placeholder: '姓名' });
  const role = roleSelect('new-staff-role', 'reception');
  const rows = staff.map((s) => {
    const sel = roleSelect(`role-${s.id}`, s.role);
    const save = async (active) => {
      try {
        await call('staff.update', { id: s.id, name: s.name, role: sel.value, active });
        toast(`已更新「${s.name}」`);
        await renderStaffPanel(panel);
      } catch (e) { toast(e.message, 'error'); }
    };
    sel.addEventListener('change', () => save(s.active));
    return h('tr', {},
      h('td', { class: 'name-cell' }, s.name),
      h('td', {}, sel),
      h('td', {}, s.active ? '在岗' : h('span', { class: 'empty' }, '已停用')),
      h('td', {}, s.has_pin ? '已设 PIN' : h('span', { class: 'empty' }, '未设 PIN')),
      h('td', {},
        h('button', { type: 'button', onclick: () => save(!s.active) }, s.active ? '停用' : '恢复'), ' ',
        h('button', {
          type: 'button', dataset: { pin: String(s.id) },
          onclick: async () => {
            const pin = await ask(`为「${s.name}」设置 PIN`, '4–8 位数字（留空并确定可取消）');
            if (pin == null) return;
            const mine = currentActor() && currentActor().id === s.id;
            try {
              await call(mine ? 'staff.set_own_pin' : 'staff.set_pin', { id: s.id, pin });
              toast(`已为「${s.name}」设置 PIN，下次登录需要输入`);
              await renderStaffPanel(panel);
            } catch (e) { toast(e.message, 'error'); }
          },
        }, '设 PIN')));
  });
  replace(panel,
    h('h2', {}, '员工账号'),
    h('table', { class: 'list' },
      h('thead', {}, h('tr', {}, h('th', {}, '姓名'), h('th', {}, '岗位'), h('th', {}, '状态'), h('th', {}, 'PIN'), h('th', {}, ''))),
      h('tbody', {}, rows)),
    h('form', {
      class: 'inline-form', style: 'margin-top:14px',
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          const s = await call('staff.create', { name: name.value, role: role.value });
          toast(`已添加员工「${s.name}」`);
          await renderStaffPanel(panel);
        } catch (err) { toast(err.message, 'error'); }
      },
    }, name, role, h('button', { type: 'submit', class: 'primary' }, '添加员工')),
  );
}
