// Screenshots for the README: a demo clinic served by `liuke serve`, each
// screen captured in headless chromium at a reception PC's 1280×800.
// Run: node tests/browser/screenshots.mjs  (writes docs/screenshots/*.png)
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openClinic, liuke } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, '../../docs/screenshots');
mkdirSync(out, { recursive: true });

const clinic = await openClinic({ demo: 300 });
clinic.ownerId = (await clinic.api('staff.list')).find((s) => s.role === 'owner').id;
const { page } = clinic;
try {
  const shoot = async (name, fullPage = false) => {
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${out}/${name}.png`, fullPage });
    console.log(`${out}/${name}.png`);
  };
  await page.goto(clinic.url);
  await page.getByRole('dialog').waitFor();
  await shoot('staff');
  // The owner sees every screen (the staff are listed by name).
  await page.getByRole('dialog').getByRole('button', { name: /周院长/ }).click();
  await page.waitForSelector('body[data-ready="true"]');
  for (const [name, hash, ready] of (JSON.parse(process.env.SHOTS || 'null') || [
    ['customers', '#/customers', '#customer-search'],
    ['triage', '#/triage', 'main'],
    ['consumption', '#/consumption', 'main'],
    ['settings', '#/settings', '#rules-panel h2'],
    ['segments', '#/customers/segments', '#segments-table'],
    ['callbacks', '#/callbacks', '#checklist, #checklist-empty'],
    ['report', '#/reports', '#report-cards'],
    ['analysis', '#/analysis', '#analysis-channels'],
    ['appointments', '#/appointments', '#day-book'],
    ['appointments-week', '#/appointments?view=week', '#week-book'],
    ['reminders', '#/appointments?view=reminders', '#reminders'],
  ])) {
    await page.goto(`${clinic.url}${hash}`);
    await page.waitForSelector(ready);
    if (name === 'customers') {
      await page.fill('#customer-search', 'zh');
      await page.waitForSelector('#results li, #results tr, #results .hit');
    }
    await shoot(name, name === 'report' || name === 'analysis');
    if (name === 'analysis') {
      await page.click('#analysis-lost');
      await page.waitForSelector('#analysis-drill-table');
      await shoot('analysis-drill');
      await page.goto(`${clinic.url}#/settings`);
      await page.waitForSelector('#costs-table');
      await page.locator('#costs-panel').screenshot({ path: `${out}/costs.png` });
    }
    if (name === 'report') {
      // The customers behind a figure, with what to do next with them.
      await page.click('.card[data-key="new_return_rate_90d"]');
      await page.waitForSelector('#drill-calls, #drill .empty');
      await page.locator('#drill').screenshot({ path: `${out}/report-drill.png` });
      // The month picker's calendar, in Chinese whatever the browser's language.
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.click('#report-month');
      await page.waitForSelector('.calendar');
      await page.screenshot({ path: `${out}/month-picker.png`, clip: { x: 188, y: 0, width: 560, height: 400 } });
      await page.keyboard.press('Escape');
    }
    if (name === 'settings') {
      await page.fill('#rule-gold_365', '25000');
      await page.click('#rules-preview-button');
      await page.waitForSelector('#rules-preview');
      await page.locator('#rules-panel').screenshot({ path: `${out}/tier-rules.png` });
      // 登录安全: two wrong PINs on a receptionist's account, as the owner reads them.
      const reception = (await clinic.api('staff.list')).find((s) => s.role === 'reception');
      await clinic.api('staff.set_pin', { id: reception.id, pin: '2468' });
      for (const pin of ['1111', '1357']) await clinic.api('session.sign_in', { staff_id: reception.id, pin }, null).catch(() => {});
      await page.reload();
      await page.waitForSelector('#failed-sign-ins');
      await page.locator('#sign-in-panel').screenshot({ path: `${out}/sign-in-safety.png` });
      // 会员权益: a change previewed before it is saved.
      await page.fill('#benefit-gold', '0.9');
      await page.click('#benefits-preview-button');
      await page.waitForSelector('#benefits-preview table');
      await page.locator('#benefits-panel').screenshot({ path: `${out}/benefits.png` });
      // 备份: a second folder whose USB stick is out.
      await clinic.api('backup.now', {});
      await clinic.api('backup.set_mirror', { path: '/media/usb/留客备份' });
      await page.reload();
      await page.waitForSelector('#mirror-state.warn');
      await page.locator('#info-panel').screenshot({ path: `${out}/backup-mirror.png` });
    }
  }
  // The file of a customer with an open package, and the order form.
  const board = await clinic.api('desk.board', {});
  let withPackage = null;
  for (const c of JSON.parse(liuke(clinic.db, 'customers'))) {
    const f = await clinic.api('consumption.file', { customer_id: c.id });
    if (f.packages.some((p) => p.left > 0) && f.timeline.length > 4) { withPackage = c; break; }
  }
  if (withPackage) {
    await page.goto(`${clinic.url}#/customers/${withPackage.id}`);
    await page.waitForSelector('#packages-panel');
    await shoot('customer-file', true);
    // The order form of a 黄金 customer: the member price beside the list price.
    const gold = JSON.parse(liuke(clinic.db, 'tiers')).find((r) => r.membership === 'gold');
    const [buyer] = gold ? await clinic.api('customers.search', { q: gold.phone }) : [withPackage];
    // Her file's 权益与券, with a voucher the owner gave her.
    await clinic.api('vouchers.issue', { customer_id: buyer.id, face: '500', note: '老顾客专享' });
    await page.goto(`${clinic.url}#/customers/${buyer.id}`);
    await page.waitForSelector('#wallet-panel');
    await page.waitForTimeout(300);
    await page.locator('#wallet-panel').screenshot({ path: `${out}/wallet.png` });
    await page.goto(`${clinic.url}#/customers/${buyer.id}/order`);
    await page.waitForSelector('#order-item-0');
    // A line priced: the member price beside the list price.
    const priced = (await clinic.api('items.list')).items.find((i) => i.active && i.list_price);
    if (priced) {
      // Typed, as staff do: the list narrows to what matches.
      await page.fill('#order-item-0', priced.name.slice(0, 1));
      await page.waitForSelector('#order-item-0-list li[role=option]');
      await shoot('order-picker');
      await page.fill('#order-item-0', priced.name);
      await page.waitForSelector('#order-item-0-list li[role=option]');
      await page.press('#order-item-0', 'Enter');
      await page.waitForFunction(() => document.querySelector('#order-price-0').value !== '');
    }
    await page.waitForFunction(() => document.querySelector('#order-basis').textContent !== '');
    // 抵扣: the voucher ticked and points typed in.
    if (await page.locator('#order-voucher-0').count()) await page.check('#order-voucher-0');
    if (await page.locator('#order-points').count()) await page.fill('#order-points', await page.getAttribute('#order-points', 'step'));
    await shoot('order');
  }
  // The desk with a returning customer's card.
  await page.goto(`${clinic.url}#/triage`);
  await page.waitForSelector('#desk-search:focus');
  if (withPackage) {
    await page.keyboard.type(withPackage.phone.slice(-4));
    await page.waitForSelector('#desk-results li');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#card-name');
    await shoot('triage-card');
  }
  // A call that ends in a booked visit: the booking dialog from the checklist.
  await page.goto(`${clinic.url}#/callbacks`);
  await page.waitForSelector('#checklist, #checklist-empty');
  if (await page.locator('.call').count()) {
    await page.waitForSelector('.call:focus');
    await page.keyboard.press('5');
    await page.waitForSelector('form.booking');
    await page.selectOption('#book-staff', { index: 1 });
    await shoot('booking');
    await page.keyboard.press('Escape');
    // A call recorded with a note typed by keyboard, which the card keeps, and 撤销.
    await page.waitForSelector('.call:focus');
    await page.keyboard.press('n');
    await page.keyboard.type('下周三下午来复查');
    await page.keyboard.press('Enter');
    await page.keyboard.press('5');
    await page.waitForSelector('.call.done .undo-call');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shoot('callbacks-undo');
  }
  // 设置 · 导入数据: a workbook as LibreOffice saved it, checked, with its sheets to choose from …
  await page.goto(`${clinic.url}#/settings`);
  await page.waitForSelector('#import-drop');
  await page.selectOption('#import-kind', 'consumption');
  await page.setInputFiles('#import-file', { name: '旧系统导出.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: readFileSync(resolve(here, '../fixtures/first-day/clinic.xlsx')) });
  await page.waitForSelector('#import-sheet');
  await page.selectOption('#import-sheet', '消费');
  await page.waitForSelector('#import-result .problems');
  await page.locator('#import-panel').scrollIntoViewIfNeeded();
  await page.locator('#import-panel').screenshot({ path: `${out}/import.png` });
  // … and a large file on its way in.
  let csv = '姓名,手机号,生日,来源渠道\n';
  for (let i = 0; i < 60000; i++) csv += `客户${i},136${String(i).padStart(8, '0')},1990-0${1 + (i % 9)}-1${i % 10},美团\n`;
  await page.selectOption('#import-kind', 'customers');
  await page.setInputFiles('#import-file', { name: '老客户名单.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.waitForSelector('#import-confirm', { timeout: 120000 });
  await page.click('#import-confirm');
  await page.locator('#import-result .progress').getByText(/检查并写入：[1-9]/).waitFor({ timeout: 60000 });
  await page.locator('#import-panel').screenshot({ path: `${out}/import-progress.png` });
  await page.locator('#import-result').getByText('导入完成').waitFor({ timeout: 180000 });
  void board;
} finally {
  await clinic.close();
}
