// 设置 → 会员权益 in a real browser: the owner previews whom a change
// reaches, saves it (audited with before and after), and a rate that cannot
// be meant is refused in Chinese with nothing saved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clinicWithStaff, pickItem } from './harness.mjs';

const CUSTOMERS = `姓名,手机号
张小美,13812345678
王芳,15011112222
`;

test('the owner previews and saves the member benefits, and a rate that cannot be meant is refused', async () => {
  const clinic = await clinicWithStaff({ customersCsv: CUSTOMERS }, '周院长');
  try {
    const { page } = clinic;
    // 张小美 became a 黄金 customer last month (¥30,000 in 365 days).
    const item = await clinic.api('items.create', { name: '热玛吉', category: '光电', list_price: '15000' });
    const [zhang] = await clinic.api('customers.search', { q: '13812345678' });
    await clinic.api('orders.create', {
      customer_id: zhang.id, date: '2026-10-20', lines: [{ item_id: item.id, sessions: 2, price: '30000' }],
      payment: { amount: '30000', method: '微信' },
    });
    await page.click('a[data-route="settings"]');
    await page.waitForSelector('#benefit-gold');
    assert.equal(await page.inputValue('#benefit-gold'), '0.95');
    await page.fill('#benefit-gold', '0.9');
    await page.selectOption('#benefit-member-day', '7');
    await page.click('#benefits-preview-button');
    const gold = page.locator('#benefits-preview tr', { hasText: '黄金' });
    await gold.waitFor();
    assert.deepEqual(await gold.locator('td').allTextContents(), ['黄金', '1 位', '95折', '9折']);
    assert.deepEqual((await clinic.api('benefits.settings')).settings.discount_gold, '0.95', 'a preview saves nothing');
    await page.click('#benefits-save');
    await page.getByText('已保存会员权益').waitFor();
    const saved = (await clinic.api('benefits.settings')).settings;
    assert.equal(saved.discount_gold, '0.9');
    assert.equal(saved.member_day, 7);
    const audit = await clinic.api('audit.list', { action: '修改会员权益' });
    assert.equal(audit.length, 1);
    assert.match(JSON.stringify(audit[0]), /0\.95/, 'the line keeps what it was before');
    // 1.5 is no discount a clinic means.
    await page.fill('#benefit-platinum', '1.5');
    await page.click('#benefits-save');
    await page.getByText('铂金的折扣应在 0 到 1 之间').waitFor();
    assert.equal((await clinic.api('benefits.settings')).settings.discount_platinum, '0.95', 'nothing saved');
    // A receptionist may read the rates (the order form needs them) but not change them.
    const reception = (await clinic.api('staff.list')).find((s) => s.role === 'reception');
    const refused = await clinic.api('benefits.save', { settings: { ...saved, discount_gold: '0.5' } }, reception.id).catch((e) => e);
    assert.ok(refused instanceof Error, 'refused');
    assert.equal((await clinic.api('benefits.settings')).settings.discount_gold, '0.9', 'unchanged');
    assert.deepEqual(clinic.pageErrors, []);
  } finally {
    await clinic.close();
  }
});

test('reception links a daughter to her 星钻 mother, and her order shows the family rate', async () => {
  const clinic = await clinicWithStaff({ customersCsv: CUSTOMERS }, '王晓燕');
  try {
    const { page } = clinic;
    const item = await clinic.api('items.create', { name: '热玛吉', category: '光电', list_price: '15000' }, clinic.ownerId);
    const [mother] = await clinic.api('customers.search', { q: '13812345678' });
    const [daughter] = await clinic.api('customers.search', { q: '15011112222' });
    // ¥210,000 in the last year: 张小美 is 星钻.
    await clinic.api('orders.create', {
      customer_id: mother.id, date: '2026-06-01', lines: [{ item_id: item.id, sessions: 14, price: '210000' }],
      payment: { amount: '210000', method: '银行卡' },
    });
    await page.goto(`${clinic.url}#/customers/${daughter.id}`);
    await page.click('#family-link');
    await page.fill('#ask-input', '13812345678');
    await page.click('#ask-ok');
    await page.waitForSelector('#family-unlink');
    assert.match(await page.textContent('#family-panel'), /家庭成员，主卡：张小美/);
    await page.click('#new-order');
    await pickItem(page, 0, item.name);
    // 15,000 × 0.80 = 12,000
    await page.waitForFunction(() => document.querySelector('#order-price-0').value === '12000.00');
    assert.match(await page.textContent('#order-basis'), /王芳：张小美 的家庭成员，家庭价8折/);
    const audit = await clinic.api('audit.list', { action: '设置家庭成员' }, clinic.ownerId);
    assert.equal(audit.length, 1);
    assert.deepEqual(clinic.pageErrors, []);
  } finally {
    await clinic.close();
  }
});
