// 多台电脑共用 in a browser: a tablet opens the host's network address (HTTPS
// on 127.0.0.2), asks to connect, the owner approves it on the host's 设置
// page, and the tablet works on the same records; a lost connection shows a
// banner and keeps what was being typed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clinicWithStaff } from './harness.mjs';

const CSV = `姓名,手机号
张小美,13812345678
`;

const SHOTS = process.env.LIUKE_SCREENSHOTS;

test('a tablet asks to connect, the owner approves it on the host, and the tablet signs in with a PIN', async () => {
  const clinic = await clinicWithStaff({ customersCsv: CSV, lan: true }, '周院长');
  try {
    const staff = await clinic.api('staff.list');
    const doctor = staff.find((s) => s.name === '刘医生').id;
    await clinic.api('staff.set_pin', { id: doctor, pin: '2580' });

    const tablet = await clinic.anotherDesk({ overNetwork: true });
    await tablet.goto(clinic.lanUrl);
    await tablet.waitForSelector('#pair-screen');
    assert.equal(await tablet.locator('dialog, [role="dialog"]').count(), 0, 'no staff picker before approval');
    await tablet.fill('#desk-name', '治疗室平板');
    await tablet.click('#desk-ask');
    await tablet.waitForSelector('#pair-screen >> text=等待院长批准');

    // On the host, the request appears in 设置 without a reload.
    const host = clinic.page;
    await host.click('a[data-route="settings"]');
    await host.waitForSelector('#network-panel #pairing-code');
    await host.waitForSelector('#desk-list tr[data-desk="治疗室平板"]', { timeout: 3000 });
    const code = await host.textContent('#pairing-code');
    assert.match(code, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    assert.equal(await host.textContent('#lan-address'), clinic.lanUrl);
    if (SHOTS) {
      await host.locator('#network-panel').scrollIntoViewIfNeeded();
      await host.locator('#network-panel').screenshot({ path: `${SHOTS}/lan-settings.png` });
      await tablet.screenshot({ path: `${SHOTS}/lan-pairing.png` });
    }
    await host.locator('#desk-list tr[data-desk="治疗室平板"]').getByRole('button', { name: '批准' }).click();
    await host.waitForSelector('#desk-list tr[data-desk="治疗室平板"] >> text=已批准');

    // The tablet goes on by itself to the picker; without a PIN one cannot sign in from it.
    await tablet.getByRole('dialog').waitFor({ timeout: 5000 });
    await tablet.getByRole('dialog').getByRole('button', { name: /王晓燕/ }).click();
    await tablet.waitForSelector('.toast >> text=没有设置 PIN，不能从其他电脑登录');
    await tablet.getByRole('dialog').getByRole('button', { name: /刘医生/ }).click();
    await tablet.fill('#pin-input', '2580');
    await tablet.click('#pin-ok');
    await tablet.waitForSelector('body[data-ready="true"]');
    await tablet.goto(`${clinic.lanUrl}#/customers?q=zxm`);
    await tablet.waitForSelector('text=张小美');

    // Reception registers an arrival at the host: the tablet's board shows it within 2 s.
    await tablet.click('a[data-route="triage"]');
    await tablet.waitForSelector('#board .empty');
    const [zhang] = await clinic.api('customers.search', { q: '13812345678' });
    const reception = staff.find((s) => s.name === '王晓燕').id;
    const before = Date.now();
    await clinic.api('desk.register', { customer_id: zhang.id, kind: '复诊' }, reception);
    await tablet.waitForFunction(() => document.querySelector('#board')?.textContent.includes('张小美'), null, { timeout: 2000 });
    assert.ok(Date.now() - before < 2000);
  } finally {
    await clinic.close();
  }
});

test('a desk that loses the host shows a banner, keeps what was typed, and saves once it is back', async () => {
  const clinic = await clinicWithStaff({ lan: true }, '周院长');
  try {
    const staff = await clinic.api('staff.list');
    const reception = staff.find((s) => s.name === '王晓燕').id;
    await clinic.api('staff.set_pin', { id: reception, pin: '2468' });
    const desk = await clinic.anotherDesk({ overNetwork: true });
    await desk.goto(clinic.lanUrl);
    await desk.fill('#desk-name', '前台 B');
    await desk.click('#desk-ask');
    await desk.waitForSelector('#pair-screen >> text=等待院长批准');
    const [asked] = await clinic.api('desks.list');
    await clinic.api('desks.approve', { id: asked.id });
    await desk.getByRole('dialog').getByRole('button', { name: /王晓燕/ }).click();
    await desk.fill('#pin-input', '2468');
    await desk.click('#pin-ok');
    await desk.waitForSelector('body[data-ready="true"]');

    await desk.goto(`${clinic.lanUrl}#/customers/new`);
    await desk.waitForSelector('form');
    await desk.fill('input[name="name"]', '孙丽');
    await desk.fill('input[name="phone"]', '13611112222');
    await desk.context().setOffline(true);
    await desk.locator('form button[type="submit"]').first().click();
    await desk.waitForSelector('#offline-banner', { timeout: 3000 });
    assert.equal(await desk.inputValue('input[name="name"]'), '孙丽', 'what was typed stays');
    if (SHOTS) await desk.screenshot({ path: `${SHOTS}/lan-offline.png` });
    await desk.context().setOffline(false);
    await desk.waitForSelector('#offline-banner', { state: 'detached', timeout: 10000 });
    const found = await clinic.api('customers.search', { q: '13611112222' });
    assert.equal(found.length, 1, 'saved exactly once');
  } finally {
    await clinic.close();
  }
});
