/**
 * A page opened from another PC or a tablet over the clinic's network: before
 * anything of the clinic's is shown, this browser asks the host to connect
 * and waits for the owner's approval.
 */
import { call, overNetwork, setDeskKey } from '../api.js';
import { h, replace, toast } from '../dom.js';

/**
 * Whether this page may go on to the staff picker; otherwise it shows the
 * pairing screen in `main` and reloads itself once the owner has approved.
 * @param {HTMLElement} main
 * @returns {Promise<boolean>}
 */
export async function connectedToHost(main) {
  if (!overNetwork) return true;
  const { desk } = await call('desk.status');
  if (desk && desk.status === 'approved') return true;
  if (!desk) askScreen(main);
  else if (desk.status === 'pending') waitScreen(main, desk);
  else revokedScreen(main, desk);
  return false;
}

function askScreen(main) {
  const name = h('input', { id: 'desk-name', type: 'text', maxlength: '30', placeholder: '例如：咨询室 1、治疗室平板', autocomplete: 'off' });
  const submit = async (e) => {
    e.preventDefault();
    try {
      const asked = await call('desk.ask', { name: name.value });
      setDeskKey(asked.key);
      waitScreen(main, asked.desk);
    } catch (err) { toast(err.message, 'error'); }
  };
  replace(main, h('div', { class: 'panel pair-screen', id: 'pair-screen' },
    h('h2', {}, '连接本店主机'),
    h('p', {}, '这台电脑（或平板）将使用前台主机上的留客数据。请给它起个名字，院长在主机上批准后即可使用。'),
    h('form', { class: 'fields', onsubmit: submit },
      h('div', { class: 'field' }, h('label', { for: 'desk-name' }, '这台电脑的名字'), name),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'desk-ask' }, '申请连接')))));
  name.focus();
}

function waitScreen(main, desk) {
  replace(main, h('div', { class: 'panel pair-screen', id: 'pair-screen', role: 'status' },
    h('h2', {}, '已申请，等待院长批准'),
    h('p', {}, `请院长在主机的 设置 → 多台电脑共用 中批准「${desk.name}」。批准后这里会自动进入留客。`),
    h('p', { class: 'hint' }, '从这台电脑登录需要输入自己的 PIN；还没有 PIN 的同事请先在主机上设置。')));
  const poll = setInterval(async () => {
    try {
      const { desk: now } = await call('desk.status');
      if (now && now.status !== 'pending') { clearInterval(poll); location.reload(); }
    } catch { /* the host is away: the banner says so; keep waiting */ }
  }, 2000);
}

function revokedScreen(main, desk) {
  replace(main, h('div', { class: 'panel pair-screen', id: 'pair-screen', role: 'alert' },
    h('h2', {}, '这台电脑的连接已被撤销'),
    h('p', {}, `院长撤销了「${desk.name}」的连接。如需继续使用，请重新申请，并请院长批准。`),
    h('button', { type: 'button', class: 'primary', onclick: () => { setDeskKey(null); askScreen(main); } }, '重新申请')));
}
