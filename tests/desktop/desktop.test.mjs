// The desktop window, for real: liuke-desktop under Xvfb, driven through
// tauri-driver (W3C WebDriver → WebKitWebDriver). It proves that the window
// opens, that the UI reaches the core through Tauri's invoke, and that what is
// entered in the window lands in the same database file the CLI reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, DESKTOP, DRIVER, TODAY, ELEMENT, sleep, wd, waitFor, withWindow } from './driver.mjs';

const CLI = process.env.LIUKE_BIN || join(ROOT, 'target/debug/liuke');

test('a damaged database opens a recovery screen that restores the newest backup', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'liuke-desktop-'));
  const db = join(dir, 'clinic.db');
  const cli = (...args) => execFileSync(CLI, ['--db', db, '--today', TODAY, ...args], { encoding: 'utf8' });
  try {
    cli('demo', '--customers', '20');
    cli('backup', '--out', join(dir, 'backups', 'liuke-2026-11-22.db'));
    writeFileSync(db, 'broken'.repeat(1000));
    rmSync(`${db}-wal`, { force: true });
    await withWindow(db, async ({ find, text, click }) => {
      await waitFor('the recovery screen', () => find('#restore-newest'));
      assert.match(await text('.recovery'), /已损坏/);
      await click('#restore-newest');
      await waitFor('the restored message', async () => (await text('main')).includes('已恢复'));
    });
    assert.equal(JSON.parse(cli('customers')).length, 20, 'the backup is back');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the desktop window opens on the CLI database and writes to it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'liuke-desktop-'));
  const db = join(dir, 'clinic.db');
  const cli = (...args) => execFileSync(CLI, ['--db', db, '--today', TODAY, ...args], { encoding: 'utf8' });
  cli('demo', '--customers', '20');
  const env = { ...process.env, LIUKE_DB: db, LIUKE_TODAY: TODAY };
  const driver = spawn(DRIVER, [], { env, stdio: 'ignore' });
  let session;
  try {
    await waitFor('tauri-driver', async () => (await fetch('http://127.0.0.1:4444/status')).ok);
    session = (await wd('POST', '/session', {
      capabilities: { alwaysMatch: { 'tauri:options': { application: DESKTOP } } },
    })).sessionId;
    const s = `/session/${session}`;
    const find = async (css) => (await wd('POST', `${s}/element`, { using: 'css selector', value: css }))[ELEMENT];
    const text = async (css) => wd('GET', `${s}/element/${await find(css)}/text`);

    // The staff list comes from the demo database through invoke('rpc').
    const firstStaff = await waitFor('the staff dialog', () => find('[role=dialog] button'));
    await wd('POST', `${s}/element/${firstStaff}/click`, {});
    await waitFor('the app to be ready', () => find('body[data-ready="true"]'));
    assert.match(await text('#today'), /2026-11-23/);

    // A customer created in the window is found by the CLI on the same file.
    await wd('POST', `${s}/url`, { url: (await wd('GET', `${s}/url`)).replace(/#.*$/, '') + '#/customers/new' });
    const name = await waitFor('the new-customer form', () => find('#f-name'));
    await wd('POST', `${s}/element/${name}/value`, { text: '窗口测试' });
    await wd('POST', `${s}/element/${await find('#f-phone')}/value`, { text: '13912340000' });
    await wd('POST', `${s}/element/${await find('#save-customer')}/click`, {});
    try {
      await waitFor('the saved file', async () => (await text('#file-name')).includes('窗口测试'));
    } catch (e) {
      const main = await wd('GET', `${s}/element/${await find('#main')}/text`).catch(() => '');
      throw new Error(`${e.message}\nthe window shows: ${main.slice(0, 400)}`);
    }
    const found = JSON.parse(cli('customers', '--search', '13912340000'));
    assert.equal(found.length, 1);
    assert.equal(found[0].name, '窗口测试');
  } finally {
    if (session) await wd('DELETE', `/session/${session}`).catch(() => {});
    driver.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
