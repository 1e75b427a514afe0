// The customer archive in a real browser: first run, search by initials,
// create, edit, memory points, validation errors in Chinese, import.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openClinic, clinicWithStaff } from './harness.mjs';

/** The archive's search (reception starts the day on the desk, the owner on the report). */
async function openArchive(clinic) {
  await clinic.page.goto(`${clinic.url}#/customers`);
  await clinic.page.waitForSelector('#customer-search');
}

const CSV = `姓名,手机号,性别,生日,来源渠道,标签
张小美,13812345678,女,1990-03-08,小红书,怕疼
赵晓梅,13998765678,女,,抖音,
王芳,15011112222,女,,美团,
`;


test('on first run the app asks for the first account, then who is at the desk', async () => {
  const clinic = await openClinic();
  try {
    const { page } = clinic;
    await page.goto(clinic.url);
    await page.getByText('欢迎使用留客').waitFor();
    await page.fill('#first-name', '周院长');
    await page.getByRole('button', { name: '建立账号并开始使用' }).click();
    await page.waitForSelector('body[data-ready="true"]');
    assert.match(await page.textContent('#who'), /周院长（院长）/);
  } finally {
    await clinic.close();
  }
});

test('reception finds a customer by pinyin initials and opens the file by keyboard', async () => {
  const clinic = await clinicWithStaff({ customersCsv: CSV });
  try {
    const { page } = clinic;
    await openArchive(clinic);
    await page.locator('#customer-search').pressSequentially('zxm');
    await page.waitForSelector('#results tbody tr');
    const names = await page.locator('#results tbody tr .name-cell').allTextContents();
    assert.deepEqual(names.sort(), ['张小美', '赵晓梅']);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#file-name');
    assert.ok(['张小美', '赵晓梅'].includes(await page.textContent('#file-name')));
  } finally {
    await clinic.close();
  }
});

test('the last four digits of a phone find the customer', async () => {
  const clinic = await clinicWithStaff({ customersCsv: CSV });
  try {
    const { page } = clinic;
    await openArchive(clinic);
    await page.locator('#customer-search').pressSequentially('2222');
    await page.waitForSelector('#results tbody tr');
    assert.deepEqual(await page.locator('#results tbody tr .name-cell').allTextContents(), ['王芳']);
  } finally {
    await clinic.close();
  }
});

test('an unknown phone leads straight to a new file with the phone filled in', async () => {
  const clinic = await clinicWithStaff({ customersCsv: CSV });
  try {
    const { page } = clinic;
    await openArchive(clinic);
    await page.locator('#customer-search').pressSequentially('13700001111');
    await page.getByText('这个手机号还没有档案').waitFor();
    await page.keyboard.press('Enter');
    await page.waitForSelector('#f-name:focus');
    assert.equal(await page.inputValue('#f-phone'), '13700001111');
    await page.keyboard.type('李娜');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#file-name');
    assert.equal(await page.textContent('#file-name'), '李娜');
    assert.equal(await page.textContent('#file-phone'), '13700001111');
  } finally {
    await clinic.close();
  }
});

test('a new customer is created with every field and recorded as entered by the person at the desk', async () => {
  const clinic = await clinicWithStaff();
  try {
    const { page } = clinic;
    await clinic.api('channels.save', { channels: ['小红书', '抖音'] });
    await page.keyboard.press('Alt+N');
    await page.waitForSelector('#f-name:focus');
    await page.fill('#f-name', '陈静');
    await page.fill('#f-phone', '186 0000 1234');
    await page.selectOption('#f-gender', 'F');
    await page.fill('#f-birthday', '1992/5/20');
    // 渠道 from the owner's list: dy finds 抖音.
    await page.fill('#f-channel', 'dy');
    await page.press('#f-channel', 'Enter');
    assert.equal(await page.inputValue('#f-channel'), '抖音');
    await page.fill('#f-tags', '敏感肌、宝妈');
    await page.fill('#f-skin_type', '敏感肌');
    await page.fill('#f-allergies', '酒精');
    await page.check('#f-marketing_opt_out');
    await page.click('#save-customer');
    await page.waitForSelector('#file-name');
    const text = await page.textContent('#main');
    for (const want of ['陈静', '18600001234', '1992-05-20', '抖音', '敏感肌', '宝妈', '酒精', '不接受营销', '王晓燕']) {
      assert.ok(text.includes(want), `file shows ${want}`);
    }
  } finally {
    await clinic.close();
  }
});

test('a bad phone and a future birthday are refused with messages in Chinese and nothing is saved', async () => {
  const clinic = await clinicWithStaff();
  try {
    const { page } = clinic;
    await page.goto(`${clinic.url}#/customers/new`);
    await page.fill('#f-name', '陈静');
    await page.fill('#f-phone', '1860000123');
    await page.fill('#f-birthday', '2030-01-01');
    await page.click('#save-customer');
    await page.waitForSelector('.form-errors');
    assert.match(await page.textContent('#err-phone'), /应为 11 位（现为 10 位）/);
    assert.match(await page.textContent('#err-birthday'), /晚于今天/);
    assert.match(await page.textContent('.form-errors'), /有 2 处需要改正/);
    const info = await clinic.api('app.info');
    assert.equal(info.customers, 0);
  } finally {
    await clinic.close();
  }
});

test('a duplicate phone names the customer who already has it', async () => {
  const clinic = await clinicWithStaff({ customersCsv: CSV });
  try {
    const { page } = clinic;
    await page.goto(`${clinic.url}#/customers/new`);
    await page.fill('#f-name', '张三');
    await page.fill('#f-phone', '13812345678');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.form-errors');
    assert.match(await page.textContent('#err-phone'), /已是客户「张小美」（\S+（今天 \d\d:\d\d） 建立）的档案/);
  } finally {
    await clinic.close();
  }
});

test('an edit is saved and shown, and recorded as made by the person at the desk', async () => {
  const clinic = await clinicWithStaff({ customersCsv: CSV });
  try {
    const { page } = clinic;
    await openArchive(clinic);
    await page.locator('#customer-search').pressSequentially('王芳');
    await page.waitForSelector('#results tbody tr');
    await page.keyboard.press('Enter');
    await page.click('#edit-customer');
    await page.waitForSelector('#f-notes');
    assert.equal(await page.inputValue('#f-phone'), '15011112222');
    await page.fill('#f-notes', '只在周末到院');
    await page.click('#save-customer');
    await page.waitForSelector('#file-notes');
    assert.equal(await page.textContent('#file-notes'), '只在周末到院');
    assert.match(await page.textContent('#main'), /最近修改王晓燕/);
  } finally {
    await clinic.close();
  }
});

test('memory points are added and removed on the file', async () => {
  const clinic = await clinicWithStaff({ customersCsv: CSV });
  try {
    const { page } = clinic;
    await openArchive(clinic);
    await page.locator('#customer-search').pressSequentially('13812345678');
    await page.waitForSelector('#results tbody tr');
    await page.keyboard.press('Enter');
    await page.fill('#memory-input', '超级怕疼，先敷麻');
    await page.keyboard.press('Enter');
    await page.getByText('超级怕疼，先敷麻').waitFor();
    await page.getByRole('button', { name: '删除记忆点：超级怕疼，先敷麻' }).click();
    await page.getByText('还没有记忆点。').waitFor();
  } finally {
    await clinic.close();
  }
});

test('a name that looks like markup is shown as text', async () => {
  const clinic = await clinicWithStaff();
  try {
    const { page } = clinic;
    await clinic.api('customers.create', { name: '<img src=x onerror=alert(1)>', phone: '13800000001' });
    await openArchive(clinic);
    await page.locator('#customer-search').pressSequentially('13800000001');
    await page.waitForSelector('#results tbody tr');
    assert.equal(await page.textContent('#results .name-cell'), '<img src=x onerror=alert(1)>');
    assert.equal(await page.locator('#results img').count(), 0);
  } finally {
    await clinic.close();
  }
});

test('a customer file is imported in 设置: problems are listed, nothing written, then the fixed file imports', async () => {
  const clinic = await clinicWithStaff({}, '周院长');
  try {
    const { page } = clinic;
    await page.click('a[data-route="settings"]');
    await page.setInputFiles('#import-file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('姓名,手机号\n张小美,138123\n,13998765678\n') });
    await page.waitForSelector('#import-result .problems');
    const rows = await page.locator('#import-result .problems tbody tr').allTextContents();
    assert.equal(rows.length, 2);
    assert.match(rows[0], /^2手机号/);
    assert.match(rows[1], /^3姓名/);
    assert.equal((await clinic.api('app.info')).customers, 0);
    await page.setInputFiles('#import-file', { name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.click('#import-confirm');
    await page.locator('#import-result').getByText(/导入完成：共 3 行，新增 3/).waitFor();
    assert.equal((await clinic.api('app.info')).customers, 3);
  } finally {
    await clinic.close();
  }
});

test('every screen of the navigation opens without errors and none is under construction', async () => {
  const clinic = await clinicWithStaff({}, '周院长');
  try {
    const { page } = clinic;
    for (const route of ['triage', 'customers', 'appointments', 'consumption', 'callbacks', 'reports', 'analysis', 'prepaid', 'settings']) {
      await page.click(`a[data-route="${route}"]`);
      await page.waitForFunction((r) => document.querySelector(`a[data-route="${r}"]`)?.getAttribute('aria-current') === 'page' && !document.querySelector('main .progress'), route);
      assert.doesNotMatch(await page.textContent('main'), /建设中|暂时打不开/, route);
    }
    assert.deepEqual(clinic.pageErrors, []);
  } finally {
    await clinic.close();
  }
});

test('the owner reads who viewed and changed a customer file in 设置', async () => {
  const clinic = await clinicWithStaff({ customersCsv: CSV }, '周院长');
  try {
    const { page } = clinic;
    await openArchive(clinic);
    await page.locator('#customer-search').pressSequentially('zxm');
    await page.waitForSelector('#results tbody tr');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#file-name');
    await page.click('a[data-route="settings"]');
    await page.waitForSelector('#audit-table');
    assert.match(await page.textContent('#audit-table'), /周院长\s*查看客户档案/);
  } finally {
    await clinic.close();
  }
});

test('the owner sees every failed sign-in and sets how long an idle sign-in lasts', async () => {
  const clinic = await clinicWithStaff({}, '周院长');
  try {
    const { page } = clinic;
    const staff = await clinic.api('staff.list');
    const reception = staff.find((s) => s.name === '王晓燕');
    await clinic.api('staff.set_pin', { id: reception.id, pin: '2468' });
    for (const pin of ['1111', '2222']) {
      await clinic.api('session.sign_in', { staff_id: reception.id, pin }, null).catch(() => {});
    }
    await page.click('a[data-route="settings"]');
    await page.waitForSelector('#failed-sign-ins');
    const rows = await page.locator('#failed-sign-ins tbody tr').allTextContents();
    assert.equal(rows.length, 2);
    assert.match(rows[0], /王晓燕：PIN 不对/);
    await page.fill('#idle-hours', '8');
    await page.click('#idle-save');
    await page.getByText('已保存：8 小时无操作自动退出登录').waitFor();
    assert.equal((await clinic.api('sessions.settings')).idle_hours, 8);
    assert.deepEqual(clinic.pageErrors, []);
  } finally {
    await clinic.close();
  }
});

test('switching who is at the desk signs the previous colleague out', async () => {
  const clinic = await clinicWithStaff({}, '王晓燕');
  try {
    const { page } = clinic;
    const before = await page.evaluate(() => JSON.parse(sessionStorage.getItem('liuke.actor')).token);
    await page.click('#switch-staff');
    await page.getByRole('dialog').getByRole('button', { name: '李咨询' }).click();
    await page.waitForFunction(() => document.querySelector('#who')?.textContent.includes('李咨询'));
    const stale = await fetch(`${clinic.url}api`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ cmd: 'customers.search', args: { q: 'a' }, token: before }) });
    assert.equal((await stale.json()).error.code, 'unauthorized');
  } finally {
    await clinic.close();
  }
});

test('the owner sets a backup passphrase: the next backup is sealed and restores only with it', async () => {
  const clinic = await clinicWithStaff({ customersCsv: CSV }, '周院长');
  try {
    const { page } = clinic;
    page.on('dialog', (d) => d.accept());
    await page.click('a[data-route="settings"]');
    await page.waitForSelector('#passphrase-form');
    assert.match(await page.textContent('#sealing-state'), /尚未加密/);
    await page.fill('#passphrase-new', '周院长的口令2026');
    await page.fill('#passphrase-again', '周院长的口令2026');
    await page.click('#passphrase-save');
    await page.waitForFunction(() => document.querySelector('#sealing-state')?.textContent.includes('已加密'));
    await page.click('#backup-now');
    await page.waitForFunction(() => document.querySelector('#backup-list')?.textContent.includes('.db.age'));
    const sealedRow = page.locator('#backup-list tbody tr', { hasText: '.db.age' }).first();
    await sealedRow.getByRole('button', { name: '用它恢复' }).click();
    await page.fill('#ask-input', '猜错的口令1234');
    await page.click('#ask-ok');
    await page.getByText('备份口令不对').waitFor();
    assert.equal((await clinic.api('app.info')).customers, 3, 'a refused restore changes nothing');
    await sealedRow.getByRole('button', { name: '用它恢复' }).click();
    await page.fill('#ask-input', '周院长的口令2026');
    await page.click('#ask-ok');
    await page.getByText('已恢复：客户 3 位').waitFor();
    const audit = await clinic.api('audit.list', { action: '设置备份口令' });
    assert.equal(audit.length, 1);
    assert.doesNotMatch(JSON.stringify(audit), /口令2026/, 'the passphrase is never written to the audit log');
    assert.deepEqual(clinic.pageErrors, []);
  } finally {
    await clinic.close();
  }
});

test('a second backup folder that is out of reach is shown as such, and the next backup fills it once it is back', async () => {
  const clinic = await clinicWithStaff({ customersCsv: CSV }, '周院长');
  const dir = mkdtempSync(join(tmpdir(), 'liuke-usb-'));
  try {
    const { page } = clinic;
    // The stick is out: its folder would sit under a plain file, which no one can create.
    const stick = join(dir, 'stick');
    writeFileSync(stick, 'not a drive');
    const usb = join(stick, '留客备份');
    await page.click('a[data-route="settings"]');
    await page.waitForSelector('#backup-mirror');
    assert.match(await page.textContent('#mirror-state'), /未设置第二备份文件夹/);
    await page.fill('#backup-mirror', usb);
    await page.click('#backup-mirror-save');
    await page.getByText('现在找不到这个文件夹').waitFor();
    await page.waitForFunction(() => document.querySelector('#mirror-state')?.textContent.includes('现在找不到第二备份文件夹'));
    await page.click('#backup-now');
    await page.getByText(/备份完成：3 位客户。第二备份文件夹 .* 现在用不了/).waitFor();
    assert.equal((await clinic.api('backup.list')).backups.length, 1, 'the local backup stands');
    // The stick is back.
    rmSync(stick);
    mkdirSync(usb, { recursive: true });
    await page.click('#backup-now');
    await page.getByText('备份完成：3 位客户，正在复制到第二备份文件夹').waitFor();
    // The copying goes on beside the desks' work; the panel shows it when done.
    const copies = () => readdirSync(usb).filter((n) => n.endsWith('.db')).length;
    for (let i = 0; i < 100 && copies() < 2; i++) await page.waitForTimeout(100);
    assert.equal(copies(), 2, 'both backups are on the stick');
    await page.waitForFunction(() => document.querySelector('#mirror-state')?.textContent.includes('最近一份'), null, { timeout: 10000 });
    assert.deepEqual(clinic.pageErrors, []);
  } finally {
    await clinic.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
