// 经营报表 in a real browser: the month's cards against the targets, a
// drill-down to the customers behind a figure, the trends and the export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { clinicWithStaff, liuke } from './harness.mjs';

const CUSTOMERS = `姓名,手机号
A,13800000001
C,13800000003
D,13800000004
`;
// October 2026: A returns after 2025-06 (retained, reactivated); July's cohort
// is C (back within 90 days) and D (never back).
const CONSUMPTION = `手机号,日期,项目,实收金额,单号
13800000001,2025-06-10,水光针,1000,R1
13800000001,2026-10-01,水光针,2000,R2
13800000003,2026-07-15,水光针,300,R4
13800000003,2026-10-13,水光针,300,R5
13800000004,2026-07-20,水光针,800,R6
`;

async function clinic(atTheDesk = '周院长') {
  const c = await clinicWithStaff({ customersCsv: CUSTOMERS }, atTheDesk);
  const f = `${c.dir}/consumption.csv`;
  writeFileSync(f, CONSUMPTION);
  liuke(c.db, 'import', 'consumption', f);
  await c.page.goto(`${c.url}#/reports?month=2026-10`);
  await c.page.waitForSelector('#report-cards, #forbidden');
  return c;
}

test('the month is shown as cards against the targets, with trends and tiers', async () => {
  const c = await clinic();
  try {
    const { page } = c;
    const retention = page.locator('.card[data-key="retention_rate_12m"]');
    assert.match(await retention.textContent(), /100\.0%.*1 \/ 1 位/);
    assert.match(await retention.getAttribute('class'), /good/);
    assert.match(await retention.textContent(), /1 \/ 1 位 · 目标 65\.0%/, 'the target stays beside the note');
    const repeat = page.locator('.card[data-key="repeat_revenue_share"]');
    assert.match(await repeat.textContent(), /100\.0%/, 'all of October\'s 2300 was spent by old customers');
    assert.match(await page.textContent('.card[data-key="revenue"]'), /¥2,300/);
    // Two visits in October, neither left with a next visit booked.
    assert.match(await page.textContent('.card[data-key="rebooked_rate"]'), /离院预约率\s*0\.0%\s*到院 2 人次/);
    assert.equal(await page.locator('.chart svg').count(), 4);
    assert.match(await page.textContent('#tier-table'), /信任阶段/);
    assert.deepEqual(c.pageErrors, []);
  } finally {
    await c.close();
  }
});

test('a figure drills down to the customers behind it', async () => {
  const c = await clinic();
  try {
    const { page } = c;
    await page.click('.card[data-key="new_return_rate_90d"]');
    await page.waitForSelector('#drill-table');
    assert.deepEqual(await page.locator('#drill-table tbody .name-cell').allTextContents(), ['D']);
    // The title says what the list is: the ones who did not come back, not the rate.
    assert.equal(await page.textContent('#drill h2'), '3个月前的新客中，90天内没有再来的（1 位）');
    // The list to Excel…
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#drill-export')]);
    assert.equal(download.suggestedFilename(), '3个月前的新客中90天内没有再来的.csv');
    const lines = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    assert.deepEqual(lines, ['姓名,手机号,顾问,来源渠道', 'D,13800000004,,']);
    // …and calls for exactly these customers, on today's list.
    const before = (await c.api('callbacks.checklist', { kind: 'campaign' })).calls;
    assert.equal(before, 0);
    await page.click('#drill-calls');
    await page.waitForSelector('#drill-status a[href="#/callbacks?kind=campaign"]');
    assert.match(await page.textContent('#drill-status'), /已生成 1 通回访任务/);
    const list = await c.api('callbacks.checklist', { kind: 'campaign' });
    assert.deepEqual(list.groups.map((g) => [g.name, g.calls.length]), [['D', 1]]);
    assert.equal(list.groups[0].calls[0].purpose, '3个月前的新客中，90天内没有再来的');
    assert.equal((await c.api('audit.list', { action: '导出报表名单' })).length, 1);
  } finally {
    await c.close();
  }
});

test('the owner exports the 13 months as CSV', async () => {
  const c = await clinic('王晓燕');
  try {
    const { page } = c;
    await page.waitForSelector('#forbidden');
    assert.match(await page.textContent('#forbidden'), /没有权限/);
    await page.evaluate(() => sessionStorage.clear());
    await page.reload();
    await page.getByRole('dialog').getByRole('button', { name: '周院长' }).click();
    await page.waitForSelector('#report-cards');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    assert.equal(download.suggestedFilename(), '留客月度报表-2026-10.csv');
    const lines = readFileSync(await download.path(), 'utf8').trim().split('\n');
    assert.equal(lines.length, 14);
    assert.ok(lines[13].startsWith('2026-10,0,2,2,2,2300.00,1.0,'), lines[13]);
  } finally {
    await c.close();
  }
});

test('the month shows the vouchers used and the face value still open', async () => {
  const c = await clinic();
  try {
    const { page } = c;
    const [a] = await c.api('customers.search', { q: '13800000001' });
    const item = (await c.api('items.list')).items.find((i) => i.name === '水光针');
    const used = await c.api('vouchers.issue', { customer_id: a.id, face: '300' });
    await c.api('vouchers.issue', { customer_id: a.id, face: '200', threshold: '2000' });
    await c.api('orders.create', {
      customer_id: a.id, lines: [{ item_id: item.id, sessions: 1, price: '1000' }],
      payment: { amount: '700', method: '微信' }, credits: { vouchers: [used.id] },
    });
    await page.goto(`${c.url}#/reports?month=2026-11`);
    await page.waitForSelector('.card[data-key="vouchers_redeemed"]');
    assert.match(await page.textContent('.card[data-key="vouchers_redeemed"]'), /用券\s*1\s*面额 ¥300 · 本月发券 2 张/);
    assert.match(await page.textContent('.card[data-key="vouchers_outstanding"]'), /月末未用券\s*¥200/);
    assert.deepEqual(c.pageErrors, []);
  } finally {
    await c.close();
  }
});
