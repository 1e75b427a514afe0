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
      body: JSON.stringify({ cmd, actor, args, token }),
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

/** Whether the UI runs inside the desktop window. */
export const inDesktop = Boolean(tauri);
