/**
 * The one way the UI talks to the core: a named command with JSON arguments.
 * Inside the desktop window it goes through Tauri's `invoke`; in a browser
 * (`liuke serve`) through `POST /api`. Both reach the same dispatcher.
 */
import { currentActorId, currentToken, setActor } from './session.js';

/** An error from the core, with its code and located problems. */
export class ApiError extends Error {
  /** @param {{code?: string, message?: string, problems?: Array<{line?: number, column: string, reason: string}>}} e */
  constructor(e) {
    super((e && e.message) || '操作失败，请重试。');
    this.code = (e && e.code) || 'unknown';
    this.problems = (e && e.problems) || [];
  }
}

const tauri = typeof window !== 'undefined' && window.__TAURI__ && window.__TAURI__.core;
/** This page, among the desks and tabs: its own changes come back as notices it ignores. */
const WINDOW_ID = Math.random().toString(36).slice(2) + Date.now().toString(36);

/**
 * A page opened over the clinic's network (https, from another PC or a
 * tablet) is a desk: it names itself to the host by the key it was given
 * when it asked to connect, kept in this browser.
 */
export const overNetwork = typeof location !== 'undefined' && location.protocol === 'https:';
const DESK_KEY = 'liuke.desk';

/** @returns {string | null} */
export function deskKey() {
  try { return overNetwork ? localStorage.getItem(DESK_KEY) : null; } catch { return null; }
}

/** @param {string | null} key */
export function setDeskKey(key) {
  if (key) localStorage.setItem(DESK_KEY, key);
  else localStorage.removeItem(DESK_KEY);
}

/** A fresh id for one request: a retried write is answered once, not done twice. */
function requestId() {
  return `${WINDOW_ID}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The banner a desk shows while the host cannot be reached. */
function offline(on) {
  let banner = document.getElementById('offline-banner');
  if (!on) { if (banner) banner.remove(); return; }
  if (banner) return;
  banner = document.createElement('div');
  banner.id = 'offline-banner';
  banner.setAttribute('role', 'alert');
  banner.textContent = '与主机的连接中断，正在自动重试……正在填写的内容不会丢失，连接恢复后会继续保存。';
  document.body.prepend(banner);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a command in the core.
 * @param {string} cmd e.g. `customers.search`
 * @param {object} [args]
 * @returns {Promise<any>}
 */
export async function call(cmd, args = {}) {
  try {
    return await send(cmd, args);
  } catch (e) {
    // The program restarted (sessions are in memory) or the sign-in lapsed: ask who is at the desk again.
    if (e instanceof ApiError && e.code === 'unauthorized' && currentToken()) {
      setActor(null);
      setTimeout(() => location.reload(), 1200);
    }
    throw e;
  }
}

async function send(cmd, args) {
  const actor = currentActorId();
  const token = currentToken();
  const id = requestId();
  if (tauri) {
    for (let attempt = 0; ; attempt += 1) {
      try {
        const answer = await tauri.invoke('rpc', { cmd, actor, args, token, page: WINDOW_ID, id });
        offline(false);
        return answer;
      } catch (e) {
        const error = new ApiError(typeof e === 'object' ? e : { message: String(e) });
        // A desk whose host is away: say so, keep the page as it is, and try again.
        if (error.code !== 'offline' || error.message.includes('不一致')) throw error;
        offline(true);
        await sleep(Math.min(1000 * (attempt + 1), 5000));
      }
    }
  }
  const headers = { 'Content-Type': 'application/json' };
  const key = deskKey();
  if (key) headers['X-Liuke-Desk'] = key;
  const request = JSON.stringify({ cmd, actor, args, token, window: WINDOW_ID, id });
  let response;
  for (let attempt = 0; ; attempt += 1) {
    try {
      response = await fetch('/api', { method: 'POST', headers, body: request });
      offline(false);
      break;
    } catch {
      if (!overNetwork) throw new ApiError({ code: 'network', message: '无法连接到留客程序，请确认它仍在运行。' });
      offline(true);
      await sleep(Math.min(1000 * (attempt + 1), 5000));
    }
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError({ code: 'network', message: `留客程序的回复无法读取（HTTP ${response.status}）。` });
  }
  if (!body.ok) throw new ApiError(body.error);
  return body.data;
}

/**
 * Changes made elsewhere (another desk, another tab): `liuke serve` sends an
 * event after every command that changed something. `handler(cmd)` is called
 * for each; the returned function stops it. In the desktop window, with one
 * window on the database, there is nothing to hear.
 */
const changeHandlers = new Set();
let changes = null;

function listen() {
  if (changes) return;
  // The desktop window hears the same notices from the host as window events.
  if (tauri && window.__TAURI__.event) {
    changes = { close: () => {} };
    window.__TAURI__.event.listen('changed', (e) => {
      let change;
      try { change = JSON.parse(e.payload); } catch { return; }
      if (change.from === WINDOW_ID) return;
      changeHandlers.forEach((h) => h(change.cmd));
    });
    return;
  }
  if (tauri || typeof EventSource === 'undefined') return;
  const token = currentToken();
  if (!token) return;
  const key = deskKey();
  changes = new EventSource(`/events?token=${encodeURIComponent(token)}${key ? `&desk=${encodeURIComponent(key)}` : ''}`);
  changes.addEventListener('changed', (e) => {
    let change;
    try { change = JSON.parse(e.data); } catch { return; }
    if (change.from === WINDOW_ID) return;
    changeHandlers.forEach((h) => h(change.cmd));
  });
}

if (typeof document !== 'undefined') {
  // A new colleague at the desk listens with their own session.
  document.addEventListener('actor-changed', () => {
    if (changes) changes.close();
    changes = null;
    if (changeHandlers.size) listen();
  });
}

/** @param {(cmd: string) => void} handler @returns {() => void} */
export function onChange(handler) {
  changeHandlers.add(handler);
  listen();
  return () => changeHandlers.delete(handler);
}

/** Whether the UI runs inside the desktop window. */
export const inDesktop = Boolean(tauri);
