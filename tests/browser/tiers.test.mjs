// Tiering and points in a real browser: labels with reasons in the customer
// file and at the desk, redemption, lists by label with CSV export, and the
// owner's thresholds with a preview before saving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { clinicWithStaff, liuke } from './harness.mjs';

const CUSTOMERS = `姓名,手机号,标签
张小美,13800000001,怕疼
王芳,13800000002,
赵敏,13800000003,怕疼
`;
// 张小美 32000 within the year (黄金), 王芳 26000 (普通会员), 赵敏 a lead.
const CONSUMPTION = `手机号,日期,项目,项目类别,次数,实收金额,已执行次数
13800000001,2026-06-01,热玛吉,光电,1,32000,1
13800000002,2026-07-01,超声炮,光电,1,26000,1
`;

async function clinic(atTheDesk = '王晓燕') {
  const c = await clinicWithStaff({ customersCsv: CUSTOMERS }, atTheDesk);
  const f = `${c.dir}/consumption.csv`;
  writeFileSync(f, CONSUMPTION);
  liuke(c.db, 'import', 'consumption', f);
  c.ids = Object.fromEntries((await c.api('tiers.list', { sort: 'phone' })).rows.map((r) => [r.name, r.id]));
  return c;
}

test('the customer file shows each label with its reason, and points can be redeemed', async () => {
  const c = await clinic();
  try {
    const { page } = c;
    await page.goto(`${c.url}#/customers/${c.ids['张小美']}`);
    await page.waitForSelector('#tier-panel');
    const membership = page.locator('.tier-cell[data-scheme="membership"]');
    assert.match(await membership.textContent(), /黄金/);
    assert.match(await membership.textContent(), /近365天消费 ¥32,000 ≥ 黄金门槛 ¥30,000/);
    assert.match(await membership.textContent(), /近365天再消费 ¥48,000 可升铂金/);
    assert.match(await page.textContent('.tier-cell[data-scheme="trust"]'), /流量/);
    assert.equal(await page.textContent('#points-balance'), '32000');
    await page.fill('#redeem-points', '2000');
    await page.fill('#redeem-note', '面膜两盒');
    await page.click('#redeem-save');
    await page.waitForFunction(() => document.querySelector('#points-balance')?.textContent === '30000');
    assert.match(await page.textContent('#points-ledger'), /积分兑换\s*面膜两盒\s*-2000/);
  } finally {
    await c.close();
  }
});

test('the desk card shows the three labels', async () => {
  const c = await clinic();
  try {
    const { page } = c;
    await page.goto(`${c.url}#/triage`);
    await page.waitForSelector('#desk-search:focus');
    await page.keyboard.type('13800000001');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#card-labels');
    assert.equal(await page.textContent('#card-labels'), '黄金潜力流量');
  } finally {
    await c.close();
  }
});

test('customers are listed by label and tag and exported to CSV', async () => {
  const c = await clinic('周院长');
  try {
    const { page } = c;
    await page.goto(`${c.url}#/customers`);
    await page.click('#segments');
    await page.waitForSelector('#segments-table');
    assert.equal(await page.locator('#segments-table tbody tr').count(), 3);
    await page.selectOption('#seg-membership', 'gold');
    await page.waitForFunction(() => document.querySelectorAll('#segments-table tbody tr').length === 1);
    assert.match(await page.textContent('#segments-table tbody'), /张小美/);
    await page.selectOption('#seg-membership', '');
    await page.waitForFunction(() => document.querySelectorAll('#segments-table tbody tr').length === 3);
    await page.fill('#seg-tag', '怕疼');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#segments-table tbody tr').length === 2);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#seg-export')]);
    const text = readFileSync(await download.path(), 'utf8');
    assert.ok(text.startsWith('\ufeff手机号,姓名,会员等级'), text.slice(0, 40));
    assert.equal(text.trim().split('\n').length, 3, 'a header and the two tagged customers');
  } finally {
    await c.close();
  }
});

test('the owner previews new thresholds, then saves them; reception cannot', async () => {
  const c = await clinic();
  try {
    const { page } = c;
    await page.goto(`${c.url}#/settings`);
    await page.waitForSelector('#rule-gold_365');
    await page.fill('#rule-gold_365', '25000');
    await page.click('#rules-preview-button');
    await page.waitForSelector('#rules-preview');
    const membership = page.locator('#rules-preview tbody tr').first();
    assert.deepEqual((await membership.locator('td').allTextContents()).slice(0, 3), ['会员等级', '1', '0']);
    assert.match(await membership.textContent(), /黄金 2（原 1）/);
    await page.click('#rules-save');
    await page.waitForSelector('#toast.error');
    assert.match(await page.textContent('#toast'), /没有权限/);

    await page.evaluate(() => sessionStorage.clear());
    await page.reload();
    await page.getByRole('dialog').getByRole('button', { name: '周院长' }).click();
    await page.waitForSelector('#rule-gold_365');
    await page.fill('#rule-gold_365', '25000');
    await page.click('#rules-save');
    await page.waitForSelector('#rules-panel details');
    assert.match(await page.textContent('#rules-panel details'), /周院长/);
    const rows = (await c.api('tiers.list', { membership: 'gold' })).rows.map((r) => r.name).sort();
    assert.deepEqual(rows, ['张小美', '王芳']);
  } finally {
    await c.close();
  }
});
