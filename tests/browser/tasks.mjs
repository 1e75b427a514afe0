// Six everyday tasks timed in a browser on the demo clinic, before issue 21
// (the UI of commit 088a362, served over today's core) and now: time in the
// app, keystrokes, clicks, and screens scrolled to reach a control. A person's
// time is estimated with the keystroke-level model (Card, Moran & Newell):
// 0.28 s a keystroke (Chinese counts its pinyin and a space), 1.3 s to point at something and click it, 1.0 s a
// screen scrolled while looking for a control, 1.2 s to think at each new
// screen — plus the time the app itself took.
// Run: node tests/browser/tasks.mjs  (LIUKE_BIN as for the tests; prints a
// Markdown table for the README)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openClinic } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const BEFORE = '088a362';
const KLM = { key: 0.28, click: 1.3, screen: 1.0, think: 1.2 };
const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html; charset=utf-8', '.svg': 'image/svg+xml' };

/** The UI as it was before issue 21, from git. */
function oldUi() {
  const dir = mkdtempSync(join(tmpdir(), 'liuke-ui-before-'));
  execFileSync('sh', ['-c', `git -C "${repo}" archive ${BEFORE} ui | tar -x -C "${dir}"`]);
  return join(dir, 'ui');
}

/** Counts what a person would do: keys, clicks, screens scrolled, screens seen. */
function recorder(page) {
  const n = { keys: 0, clicks: 0, screens: 0, thinks: 0 };
  const r = {
    n,
    async type(text) { n.keys += [...text].length; await page.keyboard.type(text); },
    /** Chinese typed through the input method: its pinyin and a space are the keys. */
    async typeZh(text, pinyin) { n.keys += pinyin.length + 1; await page.keyboard.insertText(text); },
    async press(key) { n.keys += 1; await page.keyboard.press(key); },
    /** A click, after scrolling to the control if it is not on screen. */
    async click(selector) {
      const el = page.locator(selector).first();
      await el.waitFor();
      const box = await el.evaluate((e) => { const b = e.getBoundingClientRect(); return { top: b.top, bottom: b.bottom, h: window.innerHeight }; });
      if (box.top < 0 || box.bottom > box.h) {
        n.screens += Math.ceil(Math.abs(box.top < 0 ? box.top : box.bottom - box.h) / box.h);
        await el.scrollIntoViewIfNeeded();
      }
      n.clicks += 1;
      await el.click();
    },
    async select(selector, option) { n.clicks += 2; await page.selectOption(selector, option); },
    /** Scrolled to see something (no click). */
    async look(selector) {
      const el = page.locator(selector).first();
      await el.waitFor();
      const box = await el.evaluate((e) => { const b = e.getBoundingClientRect(); return { top: b.top, bottom: b.bottom, h: window.innerHeight }; });
      if (box.top < 0 || box.bottom > box.h) n.screens += Math.ceil(Math.abs(box.top < 0 ? box.top : box.bottom - box.h) / box.h);
      await el.scrollIntoViewIfNeeded();
    },
    think() { n.thinks += 1; },
  };
  return r;
}

async function signInAs(clinic, name) {
  const { page } = clinic;
  await page.goto(clinic.url);
  await page.evaluate(() => sessionStorage.clear());
  await page.goto(`${clinic.url}`);
  await page.getByRole('dialog').getByRole('button', { name: new RegExp(name) }).click();
  await page.waitForSelector('body[data-ready="true"]');
}

/** Each task: who does it, and its steps before and now (null: could not be done). */
function tasks(ctx) {
  return [
    {
      name: '前台：老客到院登记', who: '王晓燕',
      async before(r, page) {
        r.think(); await r.click('a[data-route="triage"]');
        await page.waitForSelector('#desk-search:focus');
        r.think(); await r.type(ctx.returning.phone.slice(-4)); await r.press('Enter');
        await page.waitForSelector('#card-name'); r.think(); await r.press('Enter');
        await page.waitForFunction((name) => document.querySelector('#board')?.textContent.includes(name), ctx.returning.name);
      },
      async now(r, page) {
        await page.waitForSelector('#desk-search:focus');
        r.think(); await r.type(ctx.returning.phone.slice(-4)); await r.press('Enter');
        await page.waitForSelector('#card-name'); r.think(); await r.press('Enter');
        await page.waitForFunction((name) => document.querySelector('#board tbody tr')?.textContent.includes(name), ctx.returning.name);
      },
    },
    {
      name: '前台：新客建档（渠道 小红书）并登记', who: '王晓燕',
      async before(r, page) {
        r.think(); await r.click('a[data-route="triage"]');
        await page.waitForSelector('#desk-search:focus');
        r.think(); await r.type(ctx.fresh.phone); await r.press('Enter');
        await page.waitForSelector('#quick-name:focus');
        await r.typeZh('新客甲', 'xinkejia'); await r.click('#quick-channel'); await r.typeZh('小红书', 'xiaohongshu'); await r.press('Enter');
        await page.waitForSelector('#card-name'); r.think(); await r.press('Enter');
        await page.waitForFunction(() => document.querySelector('#board')?.textContent.includes('新客甲'));
      },
      async now(r, page) {
        await page.waitForSelector('#desk-search:focus');
        r.think(); await r.type(ctx.fresh.phone); await r.press('Enter');
        await page.waitForSelector('#quick-name:focus');
        await r.typeZh('新客甲', 'xinkejia'); await r.press('Tab'); await r.press('Tab'); await r.press('Tab'); await r.type('xhs'); await r.press('Enter'); await r.press('Enter');
        await page.waitForSelector('#card-name'); r.think(); await r.press('Enter');
        await page.waitForFunction(() => document.querySelector('#board tbody tr')?.textContent.includes('新客甲'));
      },
    },
    {
      name: '咨询师：开单（水光针 1 次）并当场划扣', who: '李咨询',
      async before(r, page) {
        await page.goto(`${ctx.url}#/customers/${ctx.returning.id}`);
        await page.waitForSelector('#packages-panel');
        r.think(); await r.click('#new-order');
        await page.waitForSelector('#order-item-0'); r.think();
        await r.select('#order-item-0', { label: '水光针（¥980/次）' });
        await page.waitForFunction(() => document.querySelector('#order-price-0').value === '980.00');
        await r.click('#save-order');
        await page.waitForSelector('#packages-panel'); r.think();
        await r.click('#packages-panel tbody tr:has-text("水光针") [data-execute]');
        await r.click('input[id^=exec-performer-]'); await r.typeZh('李咨询', 'lizixun'); await r.press('Enter');
        await page.waitForFunction(() => /水光针 1 次/.test(document.querySelector('#timeline-panel')?.textContent || ''));
      },
      async now(r, page) {
        await page.goto(`${ctx.url}#/customers/${ctx.returning.id}`);
        await page.waitForSelector('#packages-panel');
        r.think(); await r.press('Alt+K');
        await page.waitForSelector('#order-item-0:focus'); r.think();
        await r.type('sgz'); await r.press('Enter');
        await page.waitForFunction(() => document.querySelector('#order-price-0').value === '980.00');
        await r.press('Enter');
        await page.waitForSelector('button[data-execute]:focus'); r.think();
        await r.press('Enter'); await page.waitForSelector('input[id^=exec-count-]:focus'); await r.press('Enter');
        await page.waitForFunction(() => /水光针 1 次/.test(document.querySelector('#timeline-panel')?.textContent || ''));
      },
    },
    {
      name: '客服：回访一通并写备注', who: '吴客服',
      async before(r, page) {
        r.think(); await r.click('a[data-route="callbacks"]');
        await page.waitForSelector('.call:focus'); r.think();
        await r.click('.call:focus .call-note'); await r.typeZh('下周约复查', 'xiazhouyuefucha'); await r.press('Enter'); await r.press('Enter');
        await page.waitForSelector('.call.done');
      },
      async now(r, page) {
        await page.waitForSelector('.call:focus'); r.think();
        await r.press('n'); await r.typeZh('下周约复查', 'xiazhouyuefucha'); await r.press('Enter'); await r.press('Enter');
        await page.waitForSelector('.call.done');
      },
    },
    {
      name: '院长：给 3 个月前没回头的新客生成回访任务', who: '周院长',
      before: null,
      async now(r, page) {
        await page.waitForSelector('#report-cards'); r.think();
        await r.click('.card[data-key="new_return_rate_90d"]');
        await page.waitForSelector('#drill-calls'); r.think();
        await r.click('#drill-calls');
        await page.waitForSelector('#drill-status a');
      },
    },
    {
      name: '院长：打开会员分层规则', who: '周院长',
      async before(r, page) {
        r.think(); await r.click('a[data-route="settings"]');
        await page.waitForSelector('#rules-panel h2'); r.think();
        await r.look('#rules-panel h2');
      },
      async now(r, page) {
        await page.waitForSelector('#report-cards'); r.think();
        await r.click('a[data-route="settings"]');
        await page.waitForSelector('#rules-panel h2'); r.think();
        await page.focus('#main'); await r.press('Alt+2');
        await page.waitForFunction(() => Math.abs(document.querySelector('#settings-rules').getBoundingClientRect().top) < 90);
      },
    },
  ];
}

async function run(mode) {
  const clinic = await openClinic({ demo: 300 });
  clinic.ownerId = (await clinic.api('staff.list')).find((s) => s.role === 'owner').id;
  const { page } = clinic;
  if (mode === 'before') {
    const dir = oldUi();
    await page.route(`${clinic.url}**`, async (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/api' || path.startsWith('/events')) return route.continue();
      const file = join(dir, path === '/' ? 'index.html' : path);
      if (!existsSync(file)) return route.continue();
      return route.fulfill({ status: 200, body: readFileSync(file), headers: { 'content-type': TYPES[extname(file)] || 'application/octet-stream' } });
    });
  }
  // A returning customer not on today's board, and a phone nobody has.
  const board = new Set((await clinic.api('desk.board', {})).entries.map((e) => e.customer_id));
  const everyone = await clinic.api('customers.search', { q: '1', limit: 200 });
  let returning = null;
  for (const c of everyone) {
    if (board.has(c.id)) continue;
    const f = await clinic.api('consumption.file', { customer_id: c.id });
    if (f.facts.visit_days >= 2) { returning = c; break; }
  }
  const ctx = { url: clinic.url, returning, fresh: { phone: '13999990001' } };
  const rows = [];
  try {
    for (const t of tasks(ctx)) {
      const steps = mode === 'before' ? t.before : t.now;
      if (!steps) { rows.push({ name: t.name, impossible: true }); continue; }
      await signInAs(clinic, t.who);
      const r = recorder(page);
      const start = performance.now();
      try { await steps(r, page); } catch (e) { await page.screenshot({ path: `/tmp/task-fail.png` }); throw e; }
      const app = (performance.now() - start) / 1000;
      const person = app + r.n.keys * KLM.key + r.n.clicks * KLM.click + r.n.screens * KLM.screen + r.n.thinks * KLM.think;
      rows.push({ name: t.name, app, ...r.n, person });
    }
  } finally {
    await clinic.close();
  }
  return rows;
}

const before = await run('before');
const now = await run('now');
const cell = (r) => (r.impossible ? '做不到' : `${r.person.toFixed(1)} s · ${r.keys} 键 · ${r.clicks} 击${r.screens ? ` · 滚 ${r.screens} 屏` : ''}`);
console.log('| 任务 | 之前（088a362） | 现在 | 现在：其中留客自身用时 |');
console.log('|---|---|---|---|');
for (let i = 0; i < now.length; i++) {
  console.log(`| ${now[i].name} | ${cell(before[i])} | ${cell(now[i])} | ${now[i].app.toFixed(2)} s |`);
}
