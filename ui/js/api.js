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
  if (tauri) {
    try {
      return await tauri.invoke('rpc', { cmd, actor, args, token });
    } catch (e) {
      throw new ApiError(typeof e === 'object' ? e : { message: String(e) });
    }
  }
  let response;
  try {
    response = await fetch('/api', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ cmd, actor, args, token, window: WINDOW_ID }),
    });
  } catch {
    throw new ApiError({ code: 'network', message: '无法连接到留客程序，请确认它仍在运行。' });
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
  if (changes || tauri || typeof EventSource === 'undefined') return;
  const token = currentToken();
  if (!token) return;
  changes = new EventSource(`/events?token=${encodeURIComponent(token)}`);
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
