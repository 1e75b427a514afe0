// Driving liuke-desktop through tauri-driver (W3C WebDriver → WebKitWebDriver),
// shared by the desktop test and the start-time measurement.
import { spawn } from 'node:child_process';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '../..');
export const DESKTOP = process.env.LIUKE_DESKTOP || join(ROOT, 'target/debug/liuke-desktop');
export const DRIVER = process.env.TAURI_DRIVER || join(process.env.HOME, '.cargo/bin/tauri-driver');
export const TODAY = '2026-11-23';
export const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf'; // the W3C element key

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function wd(method, path, body) {
  const r = await fetch(`http://127.0.0.1:4444${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await r.json();
  if (!r.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
  return json.value;
}

export async function waitFor(what, fn, ms = 15000) {
  const until = Date.now() + ms;
  let last;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) { last = e; }
    await sleep(150);
  }
  throw new Error(`timed out waiting for ${what}: ${last ?? ''}`);
}

/** Opens the window through tauri-driver on `db`, runs `body(session helpers)`, closes. */
export async function withWindow(db, body) {
  const env = { ...process.env, LIUKE_DB: db, LIUKE_TODAY: TODAY };
  const driver = spawn(DRIVER, [], { env, stdio: 'ignore' });
  let session;
  try {
    await waitFor('tauri-driver', async () => (await fetch('http://127.0.0.1:4444/status')).ok);
    session = (await wd('POST', '/session', { capabilities: { alwaysMatch: { 'tauri:options': { application: DESKTOP } } } })).sessionId;
    const s = `/session/${session}`;
    const find = async (css) => (await wd('POST', `${s}/element`, { using: 'css selector', value: css }))[ELEMENT];
    const text = async (css) => wd('GET', `${s}/element/${await find(css)}/text`);
    const click = async (css) => wd('POST', `${s}/element/${await find(css)}/click`, {});
    const type = async (css, t) => wd('POST', `${s}/element/${await find(css)}/value`, { text: t });
    const run = async (script) => wd('POST', `${s}/execute/sync`, { script, args: [] });
    const screenshot = async () => Buffer.from(await wd('GET', `${s}/screenshot`), 'base64');
    await body({ find, text, click, type, run, screenshot });
  } finally {
    if (session) await wd('DELETE', `/session/${session}`).catch(() => {});
    driver.kill();
  }
}

