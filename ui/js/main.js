/**
 * Bootstrap: asks who is at the desk, then routes the hash to a screen.
 * Routes: #/triage, #/customers, #/customers/new, #/customers/:id,
 * #/customers/:id/edit, #/customers/:id/order, #/customers/segments,
 * #/appointments, #/consumption, #/callbacks, #/reports, #/analysis, #/prepaid, #/settings.
 */
import { call } from './api.js';
import { h, replace, toast } from './dom.js';
import { currentActor, homeRoute, may } from './session.js';
import { askWhoIsAtTheDesk } from './views/staff.js';
import { renderSearch, renderFile, renderForm } from './views/customers.js';
import { renderSettings } from './views/settings.js';
import { renderTriage } from './views/triage.js';
import { renderSegments } from './views/tiers.js';
import { renderCallbacks } from './views/callbacks.js';
import { renderAppointments } from './views/appointments.js';
import { renderReport } from './views/report.js';
import { renderPrepaid } from './views/prepaid.js';
import { renderAnalysis } from './views/analysis.js';
import { renderConsumptionDay, renderOrderForm } from './views/consumption.js';
import { installShortcuts } from './keyboard.js';
import { setClinicToday } from './dates.js';
import { connectedToHost } from './views/pairing.js';

const main = /** @type {HTMLElement} */ (document.getElementById('main'));

/** @returns {{route: string, parts: string[], query: URLSearchParams}} */
function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, qs] = raw.split('?');
  const parts = path.split('/').filter(Boolean);
  return { route: parts[0] || homeRoute(), parts, query: new URLSearchParams(qs || '') };
}

/** The sidebar shows only the screens the person at the desk may open. */
function showNavFor() {
  for (const a of document.querySelectorAll('#nav a[data-needs]')) {
    a.parentElement.hidden = !may(a.dataset.needs);
  }
}

function markNav(route) {
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.route === route) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

async function route() {
  const { route, parts, query } = parseHash();
  markNav(route);
  // A screen's own keys (Ctrl+Z on the call list, Alt+1–5 in 设置) end with it.
  main.onkeydown = null;
  try {
    if (route === 'customers') {
      if (parts[1] === 'segments') await renderSegments(main, query);
      else if (parts[1] === 'new') await renderForm(main, null, { phone: query.get('phone') || '', name: query.get('name') || '' });
      else if (parts[1] && parts[2] === 'order') await renderOrderForm(main, Number(parts[1]));
      else if (parts[1] && parts[2] === 'edit') await renderForm(main, Number(parts[1]));
      else if (parts[1]) await renderFile(main, Number(parts[1]));
      else await renderSearch(main, query.get('q') || '');
    } else if (route === 'triage') {
      await renderTriage(main);
    } else if (route === 'reports') {
      await renderReport(main, query);
    } else if (route === 'analysis') {
      await renderAnalysis(main, query);
    } else if (route === 'prepaid') {
      await renderPrepaid(main);
    } else if (route === 'appointments') {
      await renderAppointments(main, query);
    } else if (route === 'callbacks') {
      await renderCallbacks(main, query);
    } else if (route === 'consumption') {
      await renderConsumptionDay(main, query.get('date') || '');
    } else if (route === 'settings') {
      await renderSettings(main);
    } else {
      replace(main, h('div', { class: 'panel' }, h('h2', {}, '找不到这个页面'), h('a', { href: '#/triage' }, '回到前台分诊')));
    }
  } catch (e) {
    if (e.code === 'forbidden') replace(main, h('div', { class: 'panel', id: 'forbidden' }, h('h2', {}, '这一页需要院长的权限'), h('p', {}, e.message)));
    else replace(main, h('div', { class: 'panel' }, h('h2', {}, '这一页暂时打不开'), h('p', {}, e.message)));
  }
}

function showWho() {
  const who = document.getElementById('who');
  const a = currentActor();
  if (who) who.textContent = a ? `当前：${a.name}（${a.role_label}）` : '尚未选择员工';
}

/** The database cannot be used: say so plainly and offer the newest backup. */
function showRecovery(err) {
  // A sealed backup opens only with the owner's backup passphrase.
  const passphrase = h('input', { id: 'recovery-passphrase', type: 'password', autocomplete: 'off', placeholder: '备份口令（备份已加密时填写）' });
  const button = h('button', {
    type: 'button', class: 'primary', id: 'restore-newest',
    onclick: async () => {
      button.disabled = true;
      try {
        const b = await call('recovery.restore_newest', { passphrase: passphrase.value || null });
        replace(main, h('div', { class: 'panel' }, h('h2', {}, '已恢复'), h('p', {}, `已用备份 ${b.path} 恢复，共 ${b.customers} 位客户。损坏的文件已另存，没有删除。`),
          h('button', { type: 'button', class: 'primary', onclick: () => location.reload() }, '开始使用')));
      } catch (e) { toast(e.message, 'error'); button.disabled = false; }
    },
  }, '恢复最近的备份');
  replace(main, h('div', { class: 'panel recovery', role: 'alert' },
    h('h2', {}, '数据库文件无法使用'), h('p', {}, err.message),
    err.message.includes('.db.age') ? h('div', { class: 'field' }, h('label', { for: 'recovery-passphrase' }, '备份口令'), passphrase) : null,
    button));
}

async function start() {
  installShortcuts();
  // The host's window, closed while other PCs work through it: it stays, minimised.
  window.__TAURI__?.event?.listen('keep-serving', () => toast('其他电脑正在通过本机使用留客：窗口已最小化，继续为它们服务。确要退出请在 30 秒内再关闭一次（它们会断开），或先在 设置 中关闭多台电脑共用。', 'error'));
  // A colleague taking over the desk starts on her own work.
  document.getElementById('switch-staff')?.addEventListener('click', async () => {
    const before = currentActor();
    await askWhoIsAtTheDesk(true);
    const now = currentActor();
    if (now && (!before || before.id !== now.id)) {
      if (location.hash === `#/${homeRoute()}`) await route();
      else location.hash = `#/${homeRoute()}`;
    }
  });
  document.addEventListener('actor-changed', () => { showWho(); showNavFor(); });
  window.addEventListener('hashchange', route);
  try {
    // From another PC: nothing of the clinic's until the owner has approved it.
    if (!(await connectedToHost(main))) return;
  } catch (e) {
    if (e.code === 'damaged') { showRecovery(e); return; }
    if (e.code === 'offline' || e.code === 'forbidden') {
      replace(main, h('div', { class: 'panel' }, h('h2', {}, '无法连接本店主机'), h('p', {}, e.message)));
      return;
    }
    // Anything else is this PC's own database: app.info below says what.
  }
  try {
    const info = await call('app.info');
    const today = document.getElementById('today');
    if (today) today.textContent = `今天 ${info.today}`;
    setClinicToday(info.today);
  } catch (e) {
    if (e.code === 'damaged') { showRecovery(e); return; }
    toast(e.message, 'error');
  }
  showWho();
  showNavFor();
  await askWhoIsAtTheDesk(false);
  // The file's own state is told only to a signed-in colleague.
  call('app.info').then((info) => { if (info.integrity_alert) toast(info.integrity_alert, 'error'); }).catch(() => {});
  // Each role starts on its own work; the address says which screen it is.
  if (!location.hash) history.replaceState(null, '', `#/${homeRoute()}`);
  await route();
  document.body.dataset.ready = 'true';
}

start();
