// The consumption file in a real browser: an order with a discount and a
// deposit, an execution (划扣) against the package, a void with its reason,
// and the day's ledger.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clinicWithStaff, pickItem } from './harness.mjs';

const CUSTOMERS = `姓名,手机号
张小美,13812345678
`;

async function fileOfZhang() {
  const clinic = await clinicWithStaff({ customersCsv: CUSTOMERS }, '李咨询');
  await clinic.api('items.create', { name: '水光针', category: '注射', list_price: '980' }, clinic.ownerId);
  await clinic.api('items.create', { name: '光子嫩肤', category: '光电', list_price: '1280.00' }, clinic.ownerId);
  const [zhang] = await clinic.api('customers.search', { q: '13812345678' });
  await clinic.page.goto(`${clinic.url}#/customers/${zhang.id}`);
  await clinic.page.waitForSelector('#packages-panel');
  clinic.zhang = zhang.id;
  return clinic;
}

test('an order of a discounted package with a deposit is recorded and shown with its sessions', async () => {
  const clinic = await fileOfZhang();
  try {
    const { page } = clinic;
    await page.click('#new-order');
    await page.waitForSelector('#order-item-0');
    await pickItem(page, 0, 'sgz');
    assert.equal(await page.inputValue('#order-item-0'), '水光针', 'pinyin initials find the item');
    await page.fill('#order-sessions-0', '3');
    await page.waitForFunction(() => document.querySelector('#order-price-0').value === '2940.00');
    assert.match(await page.textContent('#order-basis'), /张小美：非会员（截至开单前一天），按原价/, 'no member price for a new customer');
    await page.fill('#order-price-0', '2,500');
    assert.match(await page.textContent('.line-discount'), /优惠 ¥440/);
    assert.equal(await page.textContent('#order-total'), '¥2,500');
    await page.fill('#order-amount', '1000');
    await page.selectOption('#order-method', '支付宝');
    await page.click('#save-order');
    await page.waitForSelector('#packages-panel tbody tr');
    const row = page.locator('#packages-panel tbody tr', { hasText: '水光针' });
    assert.deepEqual((await row.locator('td').allTextContents()).slice(1, 6), ['3', '0', '—', '3', '¥2,500']);
    assert.match(await page.textContent('#timeline-panel'), /收款\s*支付宝\s*¥1,000/);
    assert.match(await page.textContent('#owing-panel'), /¥1,500/);
    // The rest (尾款) is taken later from the file.
    await page.click('[data-pay]');
    assert.equal(await page.inputValue('input[id^=pay-amount-]'), '1500.00');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#owing-panel', { state: 'detached' });
    const day = await clinic.api('consumption.day', {});
    assert.equal(day.paid, '2500.00');
  } finally {
    await clinic.close();
  }
});

test('an execution takes a session off the package and a void gives it back, with the reason kept', async () => {
  const clinic = await fileOfZhang();
  try {
    const { page } = clinic;
    const items = (await clinic.api('items.list')).items;
    await clinic.api('orders.create', {
      customer_id: clinic.zhang, lines: [{ item_id: items.find((i) => i.name === '光子嫩肤').id, sessions: 5, price: '5000' }],
      payment: { amount: '5000', method: '微信' },
    }, clinic.ownerId);
    await page.reload();
    await page.waitForSelector('[data-execute]');
    await page.click('[data-execute]');
    await page.fill('input[id^=exec-performer-]', '刘医生');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#packages-panel td.left')?.textContent === '4');
    assert.match(await page.textContent('#timeline-panel'), /光子嫩肤 1 次（刘医生）/);

    await page.locator('#timeline-panel tr[data-kind="execution"]').getByRole('button', { name: '作废' }).click();
    await page.fill('#ask-input', '划错了客户');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#timeline-panel tr.voided[data-kind="execution"]');
    assert.equal(await page.textContent('#packages-panel td.left'), '5');
    assert.match(await page.textContent('#timeline-panel tr.voided'), /已作废：划错了客户/);
  } finally {
    await clinic.close();
  }
});

test('asking for more sessions than are left is refused in Chinese and changes nothing', async () => {
  const clinic = await fileOfZhang();
  try {
    const { page } = clinic;
    const items = (await clinic.api('items.list')).items;
    await clinic.api('orders.create', {
      customer_id: clinic.zhang, lines: [{ item_id: items[0].id, sessions: 2, price: '1000' }],
    }, clinic.ownerId);
    await page.reload();
    await page.click('[data-execute]');
    await page.fill('input[id^=exec-count-]', '3');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#toast.error');
    assert.match(await page.textContent('#toast'), /只剩 2 次，不能划扣 3 次/);
    assert.equal(await page.textContent('#packages-panel td.left'), '2');
  } finally {
    await clinic.close();
  }
});

test('the day ledger of 消费档案 totals payments, refunds and sessions', async () => {
  const clinic = await fileOfZhang();
  try {
    const { page } = clinic;
    const items = (await clinic.api('items.list')).items;
    await clinic.api('orders.create', {
      customer_id: clinic.zhang, lines: [{ item_id: items[0].id, sessions: 2, price: '1960' }],
      payment: { amount: '1960', method: '微信' },
    }, clinic.ownerId);
    const pkg = (await clinic.api('consumption.file', { customer_id: clinic.zhang })).packages[0];
    await clinic.api('executions.add', { line_id: pkg.line_id }, clinic.ownerId);
    await clinic.api('refunds.add', { customer_id: clinic.zhang, line_id: pkg.line_id, amount: '980.50', sessions_returned: 1, reason: '不想做了' }, clinic.ownerId);
    await page.goto(`${clinic.url}#/consumption`);
    await page.waitForSelector('#day-paid');
    assert.equal(await page.textContent('#day-paid'), '¥1,960');
    assert.equal(await page.textContent('#day-refunded'), '¥980.50');
    assert.equal(await page.textContent('#day-net'), '¥979.50');
    assert.equal(await page.textContent('#day-sessions'), '1');
    assert.equal(await page.locator('#day-entries tbody tr').count(), 4);
  } finally {
    await clinic.close();
  }
});

test('a member order shows the member price on every line, from the membership the day before', async () => {
  const clinic = await fileOfZhang();
  try {
    const { page } = clinic;
    const items = (await clinic.api('items.list')).items;
    const shui = items.find((i) => i.name === '水光针');
    // ¥6,000 paid on the 20th makes 张小美 a 普通会员 (累计 ≥ ¥5,000) from then on.
    await clinic.api('orders.create', {
      customer_id: clinic.zhang, date: '2026-11-20',
      lines: [{ item_id: items.find((i) => i.name === '光子嫩肤').id, sessions: 5, price: '6000' }],
      payment: { amount: '6000', method: '微信' },
    });
    await page.click('#new-order');
    await page.waitForSelector('#order-item-0');
    await pickItem(page, 0, shui.name);
    await page.waitForFunction(() => document.querySelector('#order-price-0').value === '931.00');
    assert.match(await page.textContent('#order-basis'), /张小美：普通会员（截至开单前一天），会员95折/);
    assert.match(await page.textContent('.line-discount'), /原价 ¥980 · 会员95折 −¥49 · 会员价 ¥931/);
    // 980 × 3 × 0.95 = 2,793
    await page.fill('#order-sessions-0', '3');
    await page.waitForFunction(() => document.querySelector('#order-price-0').value === '2793.00');
    // On the 20th itself the membership of the 19th counts: none.
    await page.fill('#order-date', '2026-11-20');
    await page.dispatchEvent('#order-date', 'change');
    await page.waitForFunction(() => document.querySelector('#order-price-0').value === '2940.00');
    assert.match(await page.textContent('#order-basis'), /非会员（截至开单前一天），按原价/);
    await page.fill('#order-date', '2026-11-23');
    await page.dispatchEvent('#order-date', 'change');
    await page.waitForFunction(() => document.querySelector('#order-price-0').value === '2793.00');
    // The agreed price can still be changed.
    await page.fill('#order-price-0', '2500');
    assert.match(await page.textContent('.line-discount'), /成交价 ¥2,500（共优惠 ¥440）/);
    await page.click('#save-order');
    await page.waitForSelector('#packages-panel tbody tr', { hasText: '水光针' });
    const row = page.locator('#packages-panel tbody tr', { hasText: '水光针' });
    assert.equal((await row.locator('td').allTextContents())[5], '¥2,500');
    assert.deepEqual(clinic.pageErrors, []);
  } finally {
    await clinic.close();
  }
});

test('an order with the member price, a voucher and points is paid to zero', async () => {
  const clinic = await fileOfZhang();
  try {
    const { page } = clinic;
    const items = (await clinic.api('items.list')).items;
    const shui = items.find((i) => i.name === '水光针');
    // ¥6,000 on the 20th: 普通会员 from the 21st, and 6,000 points.
    await clinic.api('orders.create', {
      customer_id: clinic.zhang, date: '2026-11-20',
      lines: [{ item_id: items.find((i) => i.name === '光子嫩肤').id, sessions: 5, price: '6000' }],
      payment: { amount: '6000', method: '微信' },
    });
    await clinic.api('vouchers.issue', { customer_id: clinic.zhang, face: '500', note: '老顾客专享' });
    await page.click('#new-order');
    await page.waitForSelector('#order-voucher-0');
    await pickItem(page, 0, shui.name);
    await page.waitForFunction(() => document.querySelector('#order-price-0').value === '931.00');
    // 931 − 500 (voucher) − 400 (2,000 points at 1,000 = ¥200) = 31.
    await page.check('#order-voucher-0');
    await page.fill('#order-points', '2000');
    await page.waitForFunction(() => document.querySelector('#order-amount').value === '31.00');
    assert.equal(await page.textContent('#order-due'), '抵扣 −¥900 · 还需付 ¥31');
    await page.click('#save-order');
    await page.waitForSelector('#timeline-panel tr[data-kind="credit"]');
    assert.equal(await page.locator('#owing-panel').count(), 0, 'nothing owed');
    const timeline = await page.textContent('#timeline-panel');
    assert.match(timeline, /用券抵扣\s*券面额 ¥500.00\s*¥500/);
    assert.match(timeline, /积分抵扣\s*2000 积分\s*¥400/);
    // The credits are not money: the day took ¥31, and 6,000 − 2,000 + 31 points remain.
    assert.equal((await clinic.api('consumption.day', {})).paid, '31.00');
    const wallet = await clinic.api('wallet.of_customer', { customer_id: clinic.zhang });
    assert.equal(wallet.points, 4031);
    assert.deepEqual(wallet.vouchers, [], 'the voucher is used');
    assert.match(await page.textContent('#voucher-list'), /已使用/);
    assert.deepEqual(clinic.pageErrors, []);
  } finally {
    await clinic.close();
  }
});

test('a date is typed as staff write it and kept as the core reads it, with a calendar in Chinese', async () => {
  const clinic = await fileOfZhang();
  try {
    const { page } = clinic;
    await page.click('#new-order');
    await page.waitForSelector('#order-date');
    const typed = async (text) => {
      await page.fill('#order-date', text);
      await page.press('#order-date', 'Tab');
      return page.inputValue('#order-date');
    };
    assert.equal(await typed('11/20'), '2026-11-20', 'without a year: this year');
    assert.equal(await typed('2026年11月5日'), '2026-11-05');
    assert.equal(await typed('20261102'), '2026-11-02');
    // ↑↓ move a day; not past the last day allowed (today).
    await page.focus('#order-date');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.inputValue('#order-date'), '2026-11-01');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.inputValue('#order-date'), '2026-10-31', 'across the month end');
    await page.fill('#order-date', '2026-11-23');
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.inputValue('#order-date'), '2026-11-23', 'not after today');
    // A day that does not exist is marked, not silently changed.
    await page.fill('#order-date', '2026-02-29');
    await page.press('#order-date', 'Tab');
    assert.equal(await page.getAttribute('#order-date', 'class'), 'date-input bad-date');
    // The calendar: Chinese weekdays, Monday first, today marked, a click picks.
    await page.fill('#order-date', '2026-11-20');
    await page.click('#order-date');
    await page.waitForSelector('.calendar');
    assert.match(await page.textContent('.calendar-head'), /2026年11月/);
    assert.deepEqual(await page.locator('.calendar-week').allTextContents(), ['一', '二', '三', '四', '五', '六', '日']);
    assert.equal(await page.textContent('.calendar button.today'), '23');
    assert.equal(await page.locator('.calendar button:has-text("24")').isDisabled(), true, 'a future day cannot be picked');
    await page.click('.calendar button:text-is("18")');
    assert.equal(await page.inputValue('#order-date'), '2026-11-18');
    await page.waitForSelector('.calendar', { state: 'detached' });
  } finally {
    await clinic.close();
  }
});
