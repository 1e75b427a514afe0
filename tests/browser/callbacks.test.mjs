// The callback checklist (回访清单) in a real browser: calls grouped by
// customer with memory points and the filled script, ticked off by keyboard,
// no answer, escalation that flags the customer file, reschedule, campaigns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { clinicWithStaff, liuke, signIn } from './harness.mjs';

const CUSTOMERS = `姓名,手机号
张小美,13800000001
王芳,13800000002
`;
// Both were treated yesterday: each has a day-1 call today.
const CONSUMPTION = `手机号,日期,项目,项目类别,次数,实收金额,已执行次数
13800000001,2026-11-22,水光针,注射,1,980,1
13800000002,2026-11-22,玻尿酸 1ml,注射,1,4800,1
`;

async function clinic() {
  const c = await clinicWithStaff({ customersCsv: CUSTOMERS });
  const f = `${c.dir}/consumption.csv`;
  writeFileSync(f, CONSUMPTION);
  liuke(c.db, 'import', 'consumption', f);
  const [zhang] = await c.api('customers.search', { q: '13800000001' });
  await c.api('memory.add', { customer_id: zhang.id, text: '超级怕疼' }, c.ownerId);
  c.zhang = zhang.id;
  await c.page.goto(`${c.url}#/callbacks`);
  await c.page.waitForSelector('#checklist');
  return c;
}

const openTasks = async (c) => (await c.api('callbacks.checklist', {})).groups.flatMap((g) => g.calls.map((x) => ({ ...x, customer: g.name })));

test('the day list groups calls by customer with memory points and the filled script', async () => {
  const c = await clinic();
  try {
    const { page } = c;
    assert.match(await page.textContent('#callbacks-summary'), /共 2 通/);
    const zhang = page.locator('.customer-calls', { hasText: '张小美' });
    assert.match(await zhang.textContent(), /记忆点：超级怕疼/);
    assert.match(await zhang.locator('.script').textContent(), /张小美您好.*1天前做了水光针/);
    assert.match(await zhang.locator('.kind-badge').textContent(), /术后回访/);
  } finally {
    await c.close();
  }
});

test('a call is ticked off with one key and the next call takes the focus', async () => {
  const c = await clinic();
  try {
    const { page } = c;
    await page.waitForSelector('.call:focus');
    const first = await page.getAttribute('.call:focus', 'data-task');
    // 接通 asks for a satisfaction score; Enter records the call without one.
    await page.keyboard.press('1');
    await page.waitForSelector(`.call[data-task="${first}"] .score-row:not([hidden])`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.call.done[data-task="${first}"]`);
    const second = await page.getAttribute('.call:focus', 'data-task');
    assert.notEqual(second, first);
    await page.keyboard.press('2');
    await page.waitForSelector(`.call.done[data-task="${second}"]`);
    assert.deepEqual(await openTasks(c), [], 'one reached, one moved to tomorrow');
    const tomorrow = await c.api('callbacks.checklist', { date: '2026-11-24' });
    assert.equal(tomorrow.calls, 1);
    assert.equal(tomorrow.groups[0].calls[0].attempts, 1);
  } finally {
    await c.close();
  }
});

test('a note typed by keyboard stays on the finished card, the count goes down, and Ctrl+Z takes the call back', async () => {
  const c = await clinic();
  try {
    const { page } = c;
    await page.waitForSelector('.call:focus');
    const first = await page.getAttribute('.call:focus', 'data-task');
    // N: the note box, without the mouse; Enter then asks for the score.
    await page.keyboard.press('n');
    assert.ok(await page.evaluate(() => document.activeElement.classList.contains('call-note')));
    await page.keyboard.type('下周想约复查');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.call.done[data-task="${first}"]`);
    assert.match(await page.textContent(`.call[data-task="${first}"]`), /已接通：下周想约复查/);
    assert.match(await page.textContent('#callbacks-summary'), /还剩 1 通 \/ 共 2 通/);
    // The second call: 未接通 by mistake, taken back with Ctrl+Z.
    const second = await page.getAttribute('.call:focus', 'data-task');
    await page.keyboard.press('2');
    await page.waitForSelector(`.call.done[data-task="${second}"]`);
    assert.match(await page.textContent('#callbacks-summary'), /还剩 0 通/);
    await page.keyboard.press('Control+z');
    await page.waitForSelector(`.call:not(.done)[data-task="${second}"]:focus`);
    assert.match(await page.textContent('#callbacks-summary'), /还剩 1 通/);
    const open = await openTasks(c);
    assert.deepEqual(open.map((t) => [String(t.id), t.attempts, t.next_on]), [[second, 0, '2026-11-23']], 'open again, due today, no attempt counted');
    const audit = await c.api('audit.list', { action: '撤销回访结果' });
    assert.equal(audit.length, 1);
    // And recorded again, properly.
    await page.keyboard.press('1');
    await page.keyboard.press('5');
    await page.waitForSelector(`.call.done[data-task="${second}"]`);
    assert.deepEqual(await openTasks(c), []);
    // Ctrl+Z belongs to the call list: on another screen it takes nothing back.
    await page.click('a[data-route="customers"]');
    await page.waitForSelector('#customer-search');
    await page.evaluate(() => document.getElementById('main').focus());
    await page.keyboard.press('Control+z');
    await page.waitForTimeout(300);
    assert.deepEqual(await openTasks(c), [], 'still recorded');
    assert.equal((await c.api('audit.list', { action: '撤销回访结果' })).length, 1);
  } finally {
    await c.close();
  }
});

test('an adverse reaction needs a note, closes the call and flags the customer file', async () => {
  const c = await clinic();
  try {
    const { page } = c;
    const card = page.locator('.customer-calls', { hasText: '张小美' }).locator('.call');
    await card.locator('button[data-outcome="escalate"]').click();
    await page.waitForSelector('#toast.error');
    assert.match(await page.textContent('#toast'), /请先在备注里写明情况/);
    await card.locator('.call-note').fill('左脸红肿发热');
    await card.locator('button[data-outcome="escalate"]').click();
    await page.waitForSelector('.call.done');
    await page.goto(`${c.url}#/customers/${c.zhang}`);
    await page.waitForSelector('#flag-panel');
    assert.match(await page.textContent('#flag-panel'), /左脸红肿发热/);
    assert.match(await page.textContent('#calls-panel'), /已上报/);
    // A doctor or the owner closes it, not the desk.
    await page.click('#flag-panel button');
    await page.waitForSelector('#toast.error');
    const [flag] = (await c.api('callbacks.customer', { customer_id: c.zhang })).flags;
    await c.api('flags.resolve', { id: flag.id });
    await page.reload();
    await page.waitForSelector('#calls-panel');
    assert.equal(await page.locator('#flag-panel').count(), 0);
  } finally {
    await c.close();
  }
});

test('a reschedule keeps the due date and moves the call to the chosen day', async () => {
  const c = await clinic();
  try {
    const { page } = c;
    const card = page.locator('.customer-calls', { hasText: '王芳' }).locator('.call');
    await card.locator('button[data-outcome="reschedule"]').click();
    await card.locator('.call-to').fill('2026-11-27');
    await card.locator('button[data-outcome="reschedule"]').click();
    await page.waitForSelector('.call.done');
    const later = await c.api('callbacks.checklist', { date: '2026-11-27' });
    const moved = later.groups.find((g) => g.name === '王芳').calls.find((x) => x.due === '2026-11-23');
    assert.equal(moved.next_on, '2026-11-27');
  } finally {
    await c.close();
  }
});

test('the owner turns a segment into campaign calls on a date', async () => {
  const c = await clinic();
  try {
    const { page } = c;
    const r = await c.api('campaigns.create', { name: '双十二到院礼', date: '2026-12-12', segment: {} }, c.ownerId);
    assert.equal(r.tasks, 2);
    await page.goto(`${c.url}#/callbacks?date=2026-12-12&kind=campaign`);
    await page.waitForSelector('#checklist');
    assert.equal(await page.locator('.call').count(), 2);
    assert.match(await page.textContent('#checklist'), /双十二到院礼/);
    const reception = (await c.api('staff.list')).find((s) => s.name === '王晓燕').id;
    await assert.rejects(c.api('campaigns.create', { name: 'x', date: '2026-12-12' }, reception), /没有权限/);
  } finally {
    await c.close();
  }
});

test('the owner\'s campaign gives its segment a voucher with the calls', async () => {
  const c = await clinic();
  try {
    const { page } = c;
    await page.evaluate(() => sessionStorage.clear());
    await signIn(c, '周院长');
    await page.goto(`${c.url}#/callbacks`);
    await page.waitForSelector('#campaign-box details');
    await page.click('#campaign-box summary');
    await page.fill('#campaign-name', '老顾客专享券');
    await page.fill('#campaign-date', '2026-12-01');
    await page.fill('#campaign-voucher-face', '300');
    await page.fill('#campaign-voucher-threshold', '1,000');
    await page.click('#campaign-save');
    await page.getByText('已为 2 位客户生成回访任务（不接受营销的客户已跳过），发券 2 张').waitFor();
    const vouchers = await c.api('vouchers.rows', { as_of: '2026-12-01' });
    const rows = JSON.parse(vouchers.text);
    assert.deepEqual(rows.map((v) => [v.phone, v.face, v.threshold, v.issued, v.source]), [
      ['13800000001', '300.00', '1000.00', '2026-12-01', 'campaign'],
      ['13800000002', '300.00', '1000.00', '2026-12-01', 'campaign'],
    ]);
    assert.deepEqual(c.pageErrors, []);
  } finally {
    await c.close();
  }
});

test('a long list comes a hundred customers at a time, the next ones follow at its end, and the print has them all', async () => {
  // 130 customers treated yesterday: 130 calls today, one each.
  const phones = Array.from({ length: 130 }, (_, i) => `139${String(i).padStart(8, '0')}`);
  const c = await clinicWithStaff({ customersCsv: `姓名,手机号\n${phones.map((p, i) => `客户${i + 1},${p}`).join('\n')}\n` });
  try {
    const f = `${c.dir}/consumption.csv`;
    writeFileSync(f, `手机号,日期,项目,项目类别,次数,实收金额,已执行次数\n${phones.map((p) => `${p},2026-11-22,水光针,注射,1,980,1`).join('\n')}\n`);
    liuke(c.db, 'import', 'consumption', f);
    const { page } = c;
    await page.goto(`${c.url}#/callbacks`);
    await page.waitForSelector('#checklist');
    assert.equal(await page.locator('.customer-calls').count(), 100);
    assert.match(await page.textContent('#callbacks-summary'), /还剩 130 通 \/ 共 130 通/);
    assert.equal((await page.textContent('#checklist-more')).trim(), '再显示 30 位客户（还有 30 位，共 130 位）');
    // The last call shown: 未接通 moves the caller on to the next customers, loaded for her.
    const last = page.locator('.customer-calls').nth(99).locator('.call');
    await last.focus();
    await page.keyboard.press('2');
    await page.waitForFunction(() => document.querySelectorAll('.customer-calls').length === 130);
    await page.waitForSelector('.customer-calls:nth-child(101) .call:focus');
    assert.match(await page.textContent('#callbacks-summary'), /还剩 129 通 \/ 共 130 通/);
    assert.ok(await page.locator('.more-bar').isHidden());
    const names = await page.locator('.customer-calls .name').allTextContents();
    assert.equal(new Set(names).size, 130, 'every customer once, none twice across the pages');

    // The print waits for the customers not loaded yet (客户100's call is tomorrow's now).
    await page.goto(`${c.url}#/customers`);
    await page.goto(`${c.url}#/callbacks`);
    await page.waitForSelector('#checklist-more');
    assert.equal(await page.locator('.customer-calls').count(), 100);
    assert.match(await page.textContent('#callbacks-summary'), /共 129 通/);
    await page.evaluate(() => { window.print = () => { window.printedCalls = document.querySelectorAll('.customer-calls').length; }; });
    await page.click('button:has-text("打印今日清单")');
    await page.waitForFunction(() => window.printedCalls !== undefined);
    assert.equal(await page.evaluate(() => window.printedCalls), 129);
  } finally {
    await c.close();
  }
});
