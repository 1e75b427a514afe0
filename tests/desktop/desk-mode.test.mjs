// 连接本店主机: the desktop window on a PC that is not the host. It finds the
// host by its address (a `liuke serve --lan` on 127.0.0.2), shows the pairing
// code to compare, asks, waits for the owner's approval, and then works on
// the host's records with a PIN — its own database never used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, TODAY, waitFor, withWindow } from './driver.mjs';

const CLI = process.env.LIUKE_BIN || join(ROOT, 'target/debug/liuke');

async function startHost(db) {
  const server = spawn(CLI, ['--db', db, '--today', TODAY, 'serve', '--port', '0', '--lan', '--lan-port', '0', '--lan-bind', '127.0.0.2'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const [local, lan] = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 15000);
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const l = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      const n = out.match(/https:\/\/(127\.0\.0\.2:\d+)\//);
      if (l && n) { clearTimeout(timer); resolve([l[0], n[1]]); }
    });
  });
  const tokens = {};
  const api = async (cmd, args = {}, as = null) => {
    const post = async (body) => (await fetch(`${local}api`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json();
    if (as && !tokens[as]) tokens[as] = (await post({ cmd: 'session.sign_in', args: { staff_id: as } })).data.token;
    const body = await post({ cmd, args, token: as ? tokens[as] : null });
    if (!body.ok) throw new Error(body.error.message);
    return body.data;
  };
  return { server, lan, api };
}

test('a PC that is not the host pairs with it, waits for approval, and works on its records with a PIN', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'liuke-desk-'));
  const hostDb = join(dir, 'host', 'clinic.db');
  const deskDb = join(dir, 'desk', 'liuke.db');
  execFileSync(CLI, ['--db', hostDb, '--today', TODAY, 'demo', '--customers', '20']);
  const host = await startHost(hostDb);
  try {
    const staff = await host.api('staff.list');
    const owner = staff.find((s) => s.role === 'owner');
    const reception = staff.find((s) => s.role === 'reception');
    await host.api('staff.set_pin', { id: reception.id, pin: '2468' }, owner.id);
    const { pairing_code: code } = await host.api('lan.status', {}, owner.id);

    await withWindow(deskDb, async ({ find, text, click, type, run, screenshot }) => {
      await waitFor('the welcome screen', () => find('#connect-host'));
      await click('#connect-host');
      await waitFor('the connect screen', () => find('#host-address'));
      await type('#host-address', host.lan);
      await click('#host-look');
      await waitFor('the pairing code', async () => (await text('#found-code')) === code);
      await type('#desk-name', '咨询室 1');
      if (process.env.LIUKE_SCREENSHOTS) writeFileSync(join(process.env.LIUKE_SCREENSHOTS, 'desk-connect.png'), await screenshot());
      await click('#desk-pair');
      await waitFor('the waiting screen', async () => (await text('#pair-screen')).includes('等待院长批准'));

      const [asked] = await host.api('desks.list', {}, owner.id);
      assert.equal(asked.name, '咨询室 1');
      await host.api('desks.approve', { id: asked.id }, owner.id);

      // The window goes on by itself to the host's staff, and signs in with a PIN.
      const button = await waitFor('the host\'s staff picker', () => find(`[role=dialog] button[aria-label^="${reception.name}"]`));
      assert.ok(button);
      await click(`[role=dialog] button[aria-label^="${reception.name}"]`);
      await waitFor('the PIN step', () => find('#pin-input'));
      // WebKitWebDriver does not type into this password field; the page's own script does.
      await run("document.querySelector('#pin-input').value = '2468'");
      await click('#pin-ok');
      await waitFor('the app to be ready', () => find('body[data-ready="true"]')).catch(async (e) => {
        throw new Error(`${e.message}\nthe window shows: ${(await text('body').catch(() => '')).slice(0, 400)}`);
      });
      const [someone] = await host.api('customers.search', { q: '1' }, owner.id);
      // Reception starts on the desk; the archive is one click away.
      assert.equal(await run('return location.hash'), '#/triage');
      await run("location.hash = '#/customers'");
      await waitFor('the archive', () => find('#customer-search'));
      await type('#customer-search', someone.name);
      await waitFor('a host customer in the window', async () => (await text('main')).includes(someone.phone.slice(-4)));
    });
    const desks = await host.api('desks.list', {}, owner.id);
    assert.ok(desks[0].last_seen, 'the host saw the desk sign in');
    assert.ok(existsSync(join(dir, 'desk', 'liuke-desk.json')), 'the pairing is kept');
  } finally {
    host.server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
