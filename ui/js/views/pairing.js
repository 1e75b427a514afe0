/**
 * A page opened from another PC or a tablet over the clinic's network: before
 * anything of the clinic's is shown, this browser asks the host to connect
 * and waits for the owner's approval.
 */
import { call, inDesktop, setDeskKey } from '../api.js';
import { h, replace, toast } from '../dom.js';

/**
 * Whether this page may go on to the staff picker; otherwise it shows the
 * pairing screen in `main` and reloads itself once the owner has approved.
 * @param {HTMLElement} main
 * @returns {Promise<boolean>}
 */
export async function connectedToHost(main) {
  const { host, desk } = await call('desk.status');
  // The host itself (its window, a browser on it) needs no approval.
  if (host) return true;
  if (desk && desk.status === 'approved') return true;
  if (!desk) (inDesktop ? unknownScreen : askScreen)(main);
  else if (desk.status === 'pending') waitScreen(main, desk);
  else revokedScreen(main, desk);
  return false;
}

/**
 * The desktop app on a PC that is not the host: find the host by its
 * address, compare the pairing code with the host's screen, and ask.
 * @param {HTMLElement} main
 */
export function connectScreen(main) {
  const address = h('input', { id: 'host-address', type: 'text', placeholder: '例如 192.168.1.10 或 192.168.1.10:47480', autocomplete: 'off' });
  const found = h('div', { id: 'host-found' });
  const look = async (e) => {
    e.preventDefault();
    try {
      const host = await call('desk.peek', { address: address.value });
      const name = h('input', { id: 'desk-name', type: 'text', maxlength: '30', placeholder: '例如：咨询室 1', autocomplete: 'off' });
      const pair = async (ev) => {
        ev.preventDefault();
        try {
          const { desk } = await call('desk.pair', { address: host.address, fingerprint: host.fingerprint, name: name.value });
          waitScreen(main, desk);
        } catch (err) { toast(err.message, 'error'); }
      };
      replace(found,
        h('p', {}, '主机显示的配对码应为：'),
        h('p', { class: 'code', id: 'found-code' }, host.pairing_code),
        h('p', { class: 'hint' }, '请到主机上打开 设置 → 多台电脑共用，核对两边的配对码完全一致。不一致请不要继续：可能连到了别的电脑。'),
        h('form', { class: 'fields', onsubmit: pair },
          h('div', { class: 'field' }, h('label', { for: 'desk-name' }, '这台电脑的名字'), name),
          h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'desk-pair' }, '配对码一致，申请连接'))));
      name.focus();
    } catch (err) { toast(err.message, 'error'); }
  };
  replace(main, h('div', { class: 'panel pair-screen', id: 'pair-screen' },
    h('h2', {}, '连接本店主机'),
    h('p', {}, '这台电脑将使用主机（通常是前台那台电脑）上的留客数据。请在主机的 设置 → 多台电脑共用 中查看主机地址。'),
    h('form', { class: 'inline-form', onsubmit: look },
      address, h('button', { type: 'submit', class: 'primary', id: 'host-look' }, '查找主机')),
    found,
    h('p', {}, h('button', { type: 'button', class: 'link', onclick: () => location.reload() }, '返回'))));
  address.focus();
}

/** The desktop app's host does not know this PC (its records were restored, say). */
function unknownScreen(main) {
  replace(main, h('div', { class: 'panel pair-screen', id: 'pair-screen', role: 'alert' },
    h('h2', {}, '主机不认识这台电脑'),
    h('p', {}, '主机上没有这台电脑的连接记录。请重新连接，并请院长批准。'),
    h('button', { type: 'button', class: 'primary', onclick: async () => { await call('desk.leave'); connectScreen(main); } }, '重新连接')));
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
    h('button', {
      type: 'button', class: 'primary',
      onclick: async () => {
        if (inDesktop) { await call('desk.leave'); connectScreen(main); return; }
        setDeskKey(null);
        askScreen(main);
      },
    }, '重新申请')));
}
