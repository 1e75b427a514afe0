// Test harness: a fresh clinic database per test, `liuke serve` on a free
// port, and Debian's chromium driven by playwright-core. Nothing is mocked:
// the UI talks HTTP to the real core on a real SQLite file.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.LIUKE_BIN || resolve(here, '../../target/debug/liuke');
export const TODAY = '2026-11-23';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Runs the CLI against a database. */
export function liuke(db, ...args) {
  return execFileSync(BIN, ['--db', db, '--today', TODAY, ...args], { encoding: 'utf8' });
}

/**
 * A clinic: its own temp dir and database, served on 127.0.0.1.
 * @param {{staff?: Array<[string, string]>, customersCsv?: string, demo?: number}} [setup]
 */
export async function openClinic(setup = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'liuke-ui-'));
  const db = join(dir, 'clinic.db');
  liuke(db, 'init');
  if (setup.demo) liuke(db, 'demo', '--customers', String(setup.demo));
  if (setup.customersCsv) {
    const file = join(dir, 'customers.csv');
    writeFileSync(file, setup.customersCsv);
    liuke(db, 'import', 'customers', file);
  }
  // With `lan`, the clinic's network listener too, on 127.0.0.2 (HTTPS).
  const network = setup.lan ? ['--lan', '--lan-port', '0', '--lan-bind', '127.0.0.2'] : [];
  const server = spawn(BIN, ['--db', db, '--today', TODAY, 'serve', '--port', '0', ...network], { stdio: ['ignore', 'pipe', 'pipe'] });
  const [url, lanUrl] = await new Promise((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 10000);
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      const lan = out.match(/https:\/\/127\.0\.0\.2:\d+\//);
      if (m && (lan || !setup.lan)) { clearTimeout(timer); resolveUrl([m[0], lan && lan[0]]); }
    });
    server.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  // `timezoneId`: a PC set to another zone than the clinic's.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: setup.timezoneId });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e));
  return {
    dir, db, url, lanUrl, page, pageErrors, server,
    tokens: new Map(),
    /** Runs a command through the real command surface, signed in as `actor` (a staff id). */
    async api(cmd, args = {}, actor = this.ownerId ?? null) {
      const post = async (body) => (await fetch(`${url}api`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json();
      let token = null;
      if (actor != null) {
        token = this.tokens.get(actor);
        if (!token) {
          const signed = await post({ cmd: 'session.sign_in', args: { staff_id: actor } });
          if (!signed.ok) throw new Error(signed.error.message);
          token = signed.data.token;
          this.tokens.set(actor, token);
        }
      }
      const body = await post({ cmd, args, token });
      if (!body.ok) throw new Error(body.error.message);
      return body.data;
    },
    /**
     * Another desk: a browser context of its own on the same server. Over
     * the network (`lanUrl`) it passes the self-signed certificate's warning,
     * as staff do once on a tablet.
     */
    async anotherDesk({ overNetwork = false } = {}) {
      const other = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', ignoreHTTPSErrors: overNetwork });
      return other.newPage();
    },
    async close() {
      await browser.close();
      server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A clinic with an owner 周院长, a receptionist 王晓燕, a consultant 李咨询 and a
 * doctor 刘医生; `atTheDesk` (王晓燕 unless said) is signed in in the window.
 */
export async function clinicWithStaff(setup = {}, atTheDesk = '王晓燕') {
  const clinic = await openClinic(setup);
  const owner = await clinic.api('staff.create', { name: '周院长', role: 'owner' });
  for (const [name, role] of [['王晓燕', 'reception'], ['李咨询', 'consultant'], ['刘医生', 'doctor']]) {
    await clinic.api('staff.create', { name, role }, owner.id);
  }
  clinic.ownerId = owner.id;
  await signIn(clinic, atTheDesk);
  return clinic;
}

/** Opens the app and picks the staff member with this name at the desk. */
export async function signIn(clinic, name) {
  await clinic.page.goto(clinic.url);
  await clinic.page.getByRole('dialog').getByRole('button', { name }).click();
  await clinic.page.waitForSelector('body[data-ready="true"]');
}

/**
 * Picks an item on the order form's line `n` by typing, as staff do: the
 * text (a name, its pinyin initials) then Enter takes the first match.
 */
export async function pickItem(page, n, typed) {
  await page.fill(`#order-item-${n}`, typed);
  await page.waitForSelector(`#order-item-${n}-list li[role=option]`);
  await page.press(`#order-item-${n}`, 'Enter');
}
