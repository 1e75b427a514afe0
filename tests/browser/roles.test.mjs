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
