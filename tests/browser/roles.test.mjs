// Each role as it starts its day: where it lands after choosing who it is,
// and that it is shown no control the command table does not let it use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clinicWithStaff, signIn } from './harness.mjs';

const CUSTOMERS = `姓名,手机号
张小美,13812345678
`;

/** The clinic of the harness plus a customer-service colleague 陈客服. */
async function clinic(atTheDesk) {
  const c = await clinicWithStaff({ customersCsv: CUSTOMERS }, '周院长');
  await c.api('staff.create', { name: '陈客服', role: 'service' });
  const [customer] = await c.api('customers.search', { q: '13812345678' });
  const item = await c.api('items.create', { name: '水光针', category: '注射', list_price: '980' });
  await c.api('orders.create', { customer_id: customer.id, lines: [{ item_id: item.id, sessions: 3, price: '2400' }], payment: { amount: '2400', method: '微信' } });
  await c.page.evaluate(() => sessionStorage.clear());
  await signIn(c, atTheDesk);
  c.customer = customer;
  return c;
}

/** The screen the sidebar marks as open, and the screens it offers. */
async function where(page) {
  return {
    current: await page.getAttribute('#nav a[aria-current="page"]', 'data-route'),
    offered: await page.locator('#nav li:not([hidden]) a').evaluateAll((as) => as.map((a) => a.dataset.route)),
  };
}

test('reception lands on the desk and is not offered the owner\'s screens', async () => {
  const c = await clinic('王晓燕');
  try {
    const { page } = c;
    await page.waitForSelector('#desk-search');
    const w = await where(page);
    assert.equal(w.current, 'triage');
    assert.deepEqual(w.offered, ['triage', 'customers', 'appointments', 'consumption', 'callbacks', 'settings']);
    // Reception sells and records sessions, but voids and refunds are a consultant's.
    await page.goto(`${c.url}#/customers/${c.customer.id}`);
    await page.waitForSelector('#packages-panel');
    assert.equal(await page.locator('#new-order').count(), 1);
    assert.equal(await page.locator('[data-execute]').count(), 1);
    assert.equal(await page.locator('[data-refund]').count(), 0);
    assert.equal(await page.locator('.void-note button').count(), 0);
    assert.deepEqual(c.pageErrors, []);
  } finally {
    await c.close();
  }
});

test('customer service lands on the call list and sees no control it may not use', async () => {
  const c = await clinic('陈客服');
  try {
    const { page } = c;
    await page.waitForSelector('#checklist, #checklist-empty');
    const w = await where(page);
    assert.equal(w.current, 'callbacks');
    assert.ok(!w.offered.includes('reports') && !w.offered.includes('analysis') && !w.offered.includes('prepaid'), String(w.offered));
    assert.equal(await page.locator('#campaign-box *').count(), 0, 'no campaign form');
    await page.goto(`${c.url}#/customers/${c.customer.id}`);
    await page.waitForSelector('#packages-panel');
    for (const control of ['#edit-customer', '#new-order', '[data-execute]', '[data-refund]', '.void-note button']) {
      assert.equal(await page.locator(control).count(), 0, control);
    }
    // No 新建 from the archive, by button, by a search that finds nobody, or by Alt+N.
    await page.goto(`${c.url}#/customers`);
    await page.waitForSelector('#customer-search');
    assert.equal(await page.locator('#new-customer').count(), 0);
    await page.fill('#customer-search', '13900000000');
    await page.waitForSelector('#results .panel');
    assert.equal(await page.locator('#create-from-search').count(), 0);
    await page.keyboard.press('Alt+N');
    await page.waitForTimeout(200);
    assert.ok(!page.url().includes('/new'), page.url());
    assert.deepEqual(c.pageErrors, []);
  } finally {
    await c.close();
  }
});

test('the owner lands on the report, and a colleague taking over lands on her own work', async () => {
  const c = await clinic('周院长');
  try {
    const { page } = c;
    await page.waitForSelector('#report-cards');
    assert.equal((await where(page)).current, 'reports');
    await page.click('#switch-staff');
    await page.getByRole('dialog').getByRole('button', { name: /王晓燕/ }).click();
    await page.waitForSelector('#desk-search');
    const w = await where(page);
    assert.equal(w.current, 'triage');
    assert.ok(!w.offered.includes('reports'));
    assert.deepEqual(c.pageErrors, []);
  } finally {
    await c.close();
  }
});

test('the picker groups the staff by role and every one of them has a key', async () => {
  const c = await clinic('周院长');
  try {
    const { page } = c;
    for (let i = 0; i < 8; i++) await c.api('staff.create', { name: `护士${i}`, role: 'nurse' });
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(c.url);
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const groups = await dialog.locator('.staff-group h3').allTextContents();
    assert.deepEqual(groups, ['前台', '咨询师', '医生', '护士', '客服', '院长']);
    const keys = await dialog.locator('.staff-grid button kbd').allTextContents();
    assert.equal(keys.length, 13);
    assert.deepEqual(keys.slice(8), ['9', 'A', 'B', 'C', 'D']);
    // The 13th is the owner, last of the groups: D picks her.
    await page.keyboard.press('d');
    await page.waitForSelector('body[data-ready="true"]');
    assert.match(await page.textContent('#who'), /周院长/);
  } finally {
    await c.close();
  }
});

/** Whether an element is wholly on the screen as it is (no scroll needed to reach it). */
const inView = (page, selector) => page.locator(selector).first().evaluate((el) => {
  const r = el.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= window.innerHeight;
});

test('a consultant orders and records the first session without a scroll, by keyboard, and the calls follow', async () => {
  const c = await clinic('李咨询');
  try {
    const { page } = c;
    await page.goto(`${c.url}#/customers/${c.customer.id}`);
    await page.waitForSelector('#packages-panel');
    assert.ok(await inView(page, '#new-order'), '开单 is on the first screen');
    await page.keyboard.press('Alt+K');
    await page.waitForSelector('#order-item-0:focus');
    await page.keyboard.type('sgz');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#order-sessions-0:focus');
    await page.keyboard.type('1');
    await page.waitForFunction(() => document.querySelector('#order-price-0').value === '980.00');
    await page.keyboard.press('Enter');
    // Back on the file: the new package's 划扣 has the cursor, on the first screen.
    await page.waitForSelector('button[data-execute]:focus');
    assert.equal(await page.evaluate(() => window.scrollY), 0, 'the file opens at the top');
    assert.ok(await inView(page, 'button[data-execute]:focus'));
    assert.equal(await page.locator('#packages-panel tr.just-added').count(), 1);
    await page.keyboard.press('Enter');
    await page.waitForSelector('input[id^=exec-count-]:focus');
    // The signed-in consultant is the one doing it; the table keeps its columns.
    assert.equal(await page.inputValue('input[id^=exec-performer-]:visible'), '李咨询');
    const header = await page.locator('#packages-panel thead th').first().evaluate((th) => th.getBoundingClientRect().width);
    assert.ok(header > 60, `the 项目 header keeps its width (${header}px)`);
    assert.ok(await inView(page, 'tr.form-row button[type=submit]'), 'the form is on screen');
    const callsBefore = await page.textContent('#calls-panel');
    assert.doesNotMatch(callsBefore, /术后回访/);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /术后回访/.test(document.querySelector('#calls-panel')?.textContent || ''));
    const files = await c.api('consumption.file', { customer_id: c.customer.id });
    const fresh = files.packages.find((p) => p.sessions === 1);
    assert.equal(fresh.done, 1);
    assert.match(files.timeline.find((e) => e.kind === 'execution').detail, /李咨询/);
  } finally {
    await c.close();
  }
});

test('设置 jumps to the tier rules with a key, and the owner keeps the channel list', async () => {
  const c = await clinic('周院长');
  try {
    const { page } = c;
    await page.goto(`${c.url}#/settings`);
    await page.waitForSelector('#rules-panel h2');
    await page.focus('#main');
    await page.keyboard.press('Alt+2');
    await page.waitForFunction(() => Math.abs(document.querySelector('#settings-rules').getBoundingClientRect().top) < 90);
    assert.ok(await inView(page, '#rules-panel h2'));
    await page.fill('#channels-text', '小红书\n美团\n小红书');
    await page.click('#channels-save');
    await page.waitForSelector('#channels-panel .form-errors');
    assert.match(await page.textContent('#channels-panel .form-errors'), /第 3 个渠道「小红书」前面已经有了/);
    assert.equal((await c.api('channels.list')).kept, false, 'nothing saved');
    await page.fill('#channels-text', '小红书\n美团\n老带新');
    await page.click('#channels-save');
    await page.waitForFunction(async () => true);
    await page.waitForSelector('#channels-panel .hint >> text=前台只能从这份列表中选择');
    assert.deepEqual((await c.api('channels.list')).channels.map((ch) => ch.name), ['小红书', '美团', '老带新']);
    assert.equal((await c.api('audit.list', { action: '设置来源渠道' })).length, 1);
  } finally {
    await c.close();
  }
});
