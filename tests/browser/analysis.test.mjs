// 经营分析 in a real browser: the owner's period, the channel table with the
// customers behind a count, what the lost ones cost once costs are entered in
// 设置 (typed or imported), the export, and a refusal for customer service.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { clinicWithStaff, liuke } from './harness.mjs';

const CUSTOMERS = `姓名,手机号,来源渠道,顾问
A,13800000001,小红书,李咨询
B,13800000002,小红书,李咨询
C,13800000003,抖音,
`;
// A (Jan 10) is back on Apr 10, day 90; B (Feb 1) never; C (May 15) has not
// had 90 days by the end of June.
const CONSUMPTION = `手机号,日期,项目,实收金额,单号
13800000001,2026-01-10,水光针,1000,A1
13800000001,2026-04-10,水光针,500,A2
13800000002,2026-02-01,水光针,2000,B1
13800000003,2026-05-15,水光针,800,C1
`;
const PERIOD = '#/analysis?from=2026-01&to=2026-06';

async function clinic(atTheDesk = '周院长') {
  const c = await clinicWithStaff({ customersCsv: CUSTOMERS }, atTheDesk);
  const f = `${c.dir}/consumption.csv`;
  writeFileSync(f, CONSUMPTION);
  liuke(c.db, 'import', 'consumption', f);
  await c.page.goto(`${c.url}${PERIOD}`);
  await c.page.waitForSelector('#analysis-channels, #forbidden');
  return c;
}

/** A channel row's cells as text. */
async function row(page, table, key) {
  return page.locator(`${table} tr[data-key="${key}"] td`).allTextContents();
}

test('the channels of the period, and a count opens the customers behind it', async () => {
  const c = await clinic();
  try {
    const { page } = c;
    assert.match(await page.textContent('#analysis-period'), /2026-01 至 2026-06，数据截至 2026-06-30/);
    assert.deepEqual(await row(page, '#analysis-channels', '小红书'), ['2', '2', '1', '50.0%', '¥3,500', '未录入', '—', '—']);
    assert.deepEqual(await row(page, '#analysis-channels', '抖音'), ['1', '0', '0', '—', '¥800', '未录入', '—', '—']);
    assert.match(await page.textContent('#analysis-lost'), /1 位.*期间新客 3 位/);
    assert.match(await page.textContent('#analysis-lost-cost'), /—.*获客成本/);
    // The rate opens the matured customers who never came back; a count its customers.
    await page.click('#analysis-channels tr[data-key="小红书"] td:nth-child(5) button');
    await page.waitForSelector('#analysis-drill-table');
    assert.match(await page.textContent('#analysis-drill h2'), /小红书 · 满90天没有再来的新客（1 位）/);
    assert.deepEqual(await page.locator('#analysis-drill-table tbody .name-cell').allTextContents(), ['B']);
    await page.click('#analysis-channels button[data-key="小红书"][data-field="new_customers"]');
    await page.waitForFunction(() => document.querySelector('#analysis-drill h2')?.textContent.includes('（2 位）'));
    assert.deepEqual((await page.locator('#analysis-drill-table tbody .name-cell').allTextContents()).sort(), ['A', 'B']);
    // A consultant left blank is 未填; the charts are drawn.
    assert.deepEqual(await row(page, '#analysis-consultants', '未填'), ['1', '0', '0', '—', '¥800']);
    assert.equal(await page.locator('.chart svg').count(), 3);
    assert.deepEqual(c.pageErrors, []);
  } finally {
    await c.close();
  }
});

test('costs typed in 设置 and a costs file give the cost per customer and the lost cost', async () => {
  const c = await clinic();
  try {
    const { page } = c;
    await page.goto(`${c.url}#/settings`);
    await page.waitForSelector('#costs-form');
    await page.fill('#costs-month', '2026-01');
    await page.dispatchEvent('#costs-month', 'change');
    await page.waitForSelector('#costs-form button[type=submit]:has-text("保存 2026-01")');
    await page.fill('#costs-grid input[data-channel="小红书"]', '3,000');
    await page.click('#costs-save');
    await page.waitForSelector('#costs-table');
    assert.match(await page.textContent('#costs-table'), /2026-01.*¥3,000/);
    // February by file, through 导入数据 → 获客成本: checked first, then imported.
    await page.selectOption('#import-kind', 'costs');
    await page.setInputFiles('#import-file', { name: '成本.csv', mimeType: 'text/csv', buffer: Buffer.from('月份,渠道,金额\n2026年2月,小红书,1000\n2026-05,抖音,600\n') });
    await page.click('#import-confirm');
    await page.waitForFunction(() => document.querySelector('#costs-table')?.textContent.includes('2026-05'));
    await page.goto(`${c.url}${PERIOD}`);
    await page.waitForSelector('#analysis-channels');
    // 小红书: 3000 + 1000 over 2 new, 1 returned. 抖音: 600 over 1 new, none returned.
    assert.deepEqual(await row(page, '#analysis-channels', '小红书'), ['2', '2', '1', '50.0%', '¥3,500', '¥4,000', '¥2,000', '¥4,000']);
    assert.deepEqual(await row(page, '#analysis-channels', '抖音'), ['1', '0', '0', '—', '¥800', '¥600', '¥600', '—']);
    // B lost: 1 × 4600 ÷ 3 new = 1533.33.
    assert.match(await page.textContent('#analysis-lost-cost'), /¥1,533\.33/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#analysis-csv')]);
    assert.equal(download.suggestedFilename(), '留客经营分析-2026-01至2026-06.csv');
    const text = readFileSync(await download.path(), 'utf8');
    assert.ok(text.startsWith('\ufeff按来源渠道'), text.slice(0, 40));
    assert.ok(text.includes('小红书,2,2,1,0.5,3500.00,4000.00,2000.00,4000.00'), text);
    assert.deepEqual(c.pageErrors, []);
  } finally {
    await c.close();
  }
});

test('the desk is told the analyses are the owner\'s', async () => {
  const c = await clinic('王晓燕');
  try {
    await c.page.waitForSelector('#forbidden');
    assert.match(await c.page.textContent('#forbidden'), /院长/);
  } finally {
    await c.close();
  }
});
