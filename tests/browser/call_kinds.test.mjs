// The call kinds of SPEC §5/§9 in a real browser: a satisfaction score given
// with one more key after 接通, a message step's text copied and marked sent,
// a package call showing what is left, and the owner's 预收未耗 screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { clinicWithStaff, liuke } from './harness.mjs';

const CUSTOMERS = `姓名,手机号,顾问
张小美,13800000001,李咨询
王芳,13800000002,
李娜,13800000003,
`;
// 张小美 and 王芳 were treated yesterday (a day-1 call today). 李娜 bought 3
// sessions of 光子嫩肤 for ¥1,000 on Oct 9, the first done that day: 45 days
// later, today, her 疗程邀约 is due. 王芳 also holds 5 水光针 not yet started.
const CONSUMPTION = `手机号,日期,项目,项目类别,次数,实收金额,已执行次数,单号,医生
13800000001,2026-11-22,水光针,注射,1,980,1,A1,刘医生
13800000002,2026-11-22,玻尿酸 1ml,注射,1,4800,1,B1,刘医生
13800000002,2026-11-22,水光针,注射,5,2000,0,B2,刘医生
13800000003,2026-10-09,光子嫩肤,光电,3,1000,1,C1,
`;

async function clinic(atTheDesk = '王晓燕', before = async () => {}) {
  const c = await clinicWithStaff({ customersCsv: CUSTOMERS }, atTheDesk);
  await before(c);
  const f = `${c.dir}/consumption.csv`;
  writeFileSync(f, CONSUMPTION);
  liuke(c.db, 'import', 'consumption', f);
  return c;
}

const card = (page, name, kind) => page.locator('.customer-calls', { hasText: name }).locator(`.call[data-kind="${kind}"]`);

test('a reached call is scored with one more key, and a low score flags the file', async () => {
  const c = await clinic();
  try {
    const { page } = c;
    await page.goto(`${c.url}#/callbacks?kind=post_treatment`);
    await page.waitForSelector('#checklist');
    const zhang = card(page, '张小美', 'post_treatment');
    await zhang.focus();
    await page.keyboard.press('1');
    await zhang.locator('.score-row:not([hidden])').waitFor();
    await page.keyboard.press('2');
    await page.waitForSelector('.customer-calls:has-text("张小美") .call.done');
    assert.match(await page.locator('.customer-calls', { hasText: '张小美' }).textContent(), /满意度 2 分（已提醒医生和院长）/);
    const [who] = await c.api('customers.search', { q: '13800000001' });
    const file = await c.api('callbacks.customer', { customer_id: who.id });
    assert.equal(file.flags.length, 1);
    assert.match(file.flags[0].note, /回访满意度 2 分（不满意）/);
    assert.equal(file.tasks.find((t) => t.status === 'reached').history[0].score, 2);
    // The next call takes the focus; 1 then Enter is reached without a score.
    await page.keyboard.press('1');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.customer-calls:has-text("王芳") .call.done');
    const [wang] = await c.api('customers.search', { q: '13800000002' });
    const hers = await c.api('callbacks.customer', { customer_id: wang.id });
    assert.equal(hers.tasks.find((t) => t.status === 'reached').history[0].score, null);
    assert.equal(hers.flags.length, 0);
    const report = await c.api('report.monthly', { month: '2026-11' });
    assert.deepEqual([report.figures.satisfaction_responses, report.figures.satisfaction_avg, report.figures.dissatisfied], [1, 2, 1]);
    assert.deepEqual(c.pageErrors, []);
  } finally {
    await c.close();
  }
});

test('a message step shows its text, is copied with C and ticked off as sent', async () => {
  // The owner makes day 1 of injections a message (the seed's 护理视频 by WeChat) before the sessions are imported.
  const c = await clinic('王晓燕', async (x) => {
    await x.api('plans.save', { scope: 'category:注射', steps: [
      { offset: 1, purpose: '护理视频', channel: 'message', script: '{姓名}您好，{项目}后的护理视频请查收：' },
      { offset: 7, purpose: '复查邀约', channel: 'call', script: '' }] });
  });
  try {
    const { page } = c;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: c.url });
    await page.goto(`${c.url}#/callbacks?kind=post_treatment`);
    await page.waitForSelector('#checklist');
    const message = card(page, '张小美', 'post_treatment');
    assert.equal(await message.getAttribute('data-channel'), 'message');
    assert.equal(await message.locator('.message-text').textContent(), '张小美您好，水光针后的护理视频请查收：');
    assert.equal(await message.locator('button[data-outcome="no_answer"]').count(), 0, 'a message is not dialled');
    await message.focus();
    await page.keyboard.press('c');
    await page.waitForSelector('.call[data-copied="true"]');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), '张小美您好，水光针后的护理视频请查收：');
    await message.focus();
    await page.keyboard.press('1');
    await page.waitForSelector('.customer-calls:has-text("张小美") .call.done');
    assert.match(await page.locator('.customer-calls', { hasText: '张小美' }).textContent(), /消息已发送/);
    const [who] = await c.api('customers.search', { q: '13800000001' });
    const file = await c.api('callbacks.customer', { customer_id: who.id });
    assert.deepEqual(file.tasks.filter((t) => t.kind === 'post_treatment').map((t) => [t.due, t.status]), [['2026-11-29', 'open'], ['2026-11-23', 'sent']]);
    const report = await c.api('report.monthly', { month: '2026-11' });
    assert.ok(report.figures.callbacks_done >= 1, 'sent counts as done');
    assert.deepEqual(c.pageErrors, []);
  } finally {
    await c.close();
  }
});

test('a package call shows what is left, and the owner sorts and exports 预收未耗', async () => {
  const c = await clinic('周院长');
  try {
    const { page } = c;
    await page.goto(`${c.url}#/callbacks?kind=package`);
    await page.waitForSelector('#checklist');
    const li = card(page, '李娜', 'package');
    assert.match(await li.locator('.package-left').textContent(), /光子嫩肤 剩 2\/3 次 · 未耗 ¥666\.67 · 上次划扣 2026-10-09/);
    assert.match(await li.locator('.script').textContent(), /光子嫩肤 2 次/);

    await page.goto(`${c.url}#/prepaid`);
    await page.waitForSelector('#prepaid-table');
    // 李娜: 1000 × 2 ÷ 3 = 666.67; 王芳: 5 of 5 水光针, ¥2,000: ¥2,666.67 in all, 7 sessions.
    assert.match(await page.textContent('#prepaid-summary'), /2 张订单 · 未做 7 次 · ¥2,666\.67/);
    const names = async () => page.locator('#prepaid-table tbody .name-cell').evaluateAll((tds) => tds.map((td) => td.firstChild.textContent));
    assert.deepEqual(await names(), ['李娜', '王芳'], 'longest untouched first (45 and 1 days)');
    await page.locator('#prepaid-table th', { hasText: '未耗金额' }).click();
    assert.deepEqual(await names(), ['王芳', '李娜'], 'most money left first');
    await page.locator('#prepaid-table th', { hasText: '未耗金额' }).press('Enter');
    assert.deepEqual(await names(), ['李娜', '王芳'], 'and back');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#prepaid-csv')]);
    const csv = readFileSync(await download.path(), 'utf8');
    assert.ok(csv.startsWith('\ufeff客户,手机号,顾问,开单日期'), csv);
    assert.match(csv, /李娜,13800000003,,2026-10-09,C1,光子嫩肤 2\/3,2,666\.67,2026-10-09,45/);
    assert.equal(download.suggestedFilename(), '留客预收未耗-2026-11-23.csv');
    // The month's figures carry the same money.
    await page.goto(`${c.url}#/reports?month=2026-11`);
    await page.waitForSelector('#report-cards');
    assert.match(await page.textContent('[data-key="prepaid_value_outstanding"]'), /¥2,666\.67.*7 次/);
    assert.deepEqual(c.pageErrors, []);
  } finally {
    await c.close();
  }
});
