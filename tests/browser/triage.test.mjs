// The triage desk (前台分诊) in a real browser against the real core:
// a known customer registered by keyboard alone, an unknown phone created and
// registered, and the board moved along to 离院·成交.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clinicWithStaff, liuke } from './harness.mjs';

const CUSTOMERS = `姓名,手机号,来源渠道
张小美,13812345678,小红书
`;
const HISTORY = `手机号,日期,项目,项目类别,次数,实收金额,已执行次数
13812345678,2026-09-01,光子嫩肤,光电,5,5000,1
`;

async function deskClinic() {
  const clinic = await clinicWithStaff({ customersCsv: CUSTOMERS });
  const { writeFileSync } = await import('node:fs');
  const f = `${clinic.dir}/history.csv`;
  writeFileSync(f, HISTORY);
  liuke(clinic.db, 'import', 'consumption', f);
  await clinic.page.goto(`${clinic.url}#/triage`);
  await clinic.page.waitForSelector('#desk-search:focus');
  return clinic;
}

test('a known customer is recognised and registered without touching the mouse', async () => {
  const clinic = await deskClinic();
  try {
    const { page } = clinic;
    await page.keyboard.type('5678');
    await page.waitForSelector('#desk-results li[role=option]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#desk-card #card-name');
    assert.equal(await page.textContent('#card-name'), '张小美');
    assert.match(await page.textContent('#card-packages'), /光子嫩肤.*剩 4 次/);
    assert.equal(await page.textContent('#card-last-visit'), '2026-09-01');
    assert.equal(await page.inputValue('#arrival-kind'), '复诊', 'a returning customer defaults to 复诊');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#board tr[data-status="waiting"]');
    assert.match(await page.textContent('#board'), /张小美/);
    assert.match(await page.textContent('#board-counts'), /等待 1/);
    // The arrival is a visit day today in the core.
    const found = await clinic.api('desk.board', {});
    assert.equal(found.entries[0].name, '张小美');
    assert.equal(found.date, '2026-11-23');
  } finally {
    await clinic.close();
  }
});

test('an unknown phone opens a quick create form, then the arrival is registered', async () => {
  const clinic = await deskClinic();
  try {
    const { page } = clinic;
    await page.keyboard.type('13900001111');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#quick-name:focus');
    assert.equal(await page.inputValue('#quick-phone'), '13900001111');
    await page.keyboard.type('李新客');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#card-name');
    assert.equal(await page.textContent('#card-name'), '李新客');
    assert.equal(await page.inputValue('#arrival-kind'), '初诊', 'a new customer defaults to 初诊');
    await page.selectOption('#arrival-assign', { label: '李咨询（咨询师）' });
    await page.fill('#arrival-purpose', '咨询双眼皮');
    await page.click('#register-arrival');
    await page.waitForSelector('#board tr[data-status="waiting"]');
    const row = page.locator('#board tbody tr', { hasText: '李新客' });
    assert.match(await row.textContent(), /咨询双眼皮/);
    assert.equal(await row.locator('select').inputValue(), await clinic.api('staff.list').then((s) => String(s.find((x) => x.name === '李咨询').id)));
  } finally {
    await clinic.close();
  }
});

test('an arrival moves along the board and leaves with a deal', async () => {
  const clinic = await deskClinic();
  try {
    const { page } = clinic;
    await page.keyboard.type('zxm');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#card-name');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#board tr[data-status="waiting"]');
    await page.getByRole('button', { name: '开始咨询' }).click();
    await page.waitForSelector('#board tr[data-status="consulting"]');
    await page.getByRole('button', { name: '开始治疗' }).click();
    await page.waitForSelector('#board tr[data-status="treating"]');
    await page.getByRole('button', { name: '离院·成交' }).click();
    await page.waitForSelector('#board tr[data-status="left"]');
    assert.match(await page.textContent('#board'), /已离院\s*成交/);
    assert.match(await page.textContent('#board-counts'), /已离院 1（成交 1）/);
    // Registering again while still on the board is refused; after leaving it is allowed.
    await page.fill('#desk-search', 'zxm');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#register-arrival:not([disabled])');
  } finally {
    await clinic.close();
  }
});

test('the desk card shows what a member holds, and using this month\'s skin check records it', async () => {
  const clinic = await deskClinic();
  try {
    const { page } = clinic;
    // ¥5,000 on Sep 1 made 张小美 a 普通会员: one free skin check a month, 5,000 points worth ¥1,000.
    await page.keyboard.type('5678');
    await page.waitForSelector('#desk-results li[role=option]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#card-wallet');
    assert.match(await page.textContent('#card-wallet'), /普通会员（截至昨天）/);
    assert.match(await page.textContent('#card-wallet'), /本月免费皮肤检测 剩 1 次/);
    assert.match(await page.textContent('#card-points'), /积分 5000（可抵 ¥1,000，每 1000 分抵 ¥200）/);
    await page.click('#card-use-entitlement-0');
    await page.getByText('已使用本月「免费皮肤检测」').waitFor();
    await page.waitForFunction(() => /本月免费皮肤检测 已用完/.test(document.querySelector('#card-wallet')?.textContent || ''));
    assert.equal(await page.locator('#card-use-entitlement-0').count(), 0, 'nothing left to use');
    const [zhang] = await clinic.api('customers.search', { q: '13812345678' });
    const file = await clinic.api('consumption.file', { customer_id: zhang.id });
    const check = file.packages.find((p) => p.item === '免费皮肤检测');
    assert.deepEqual([check.sessions, check.done, check.price], [1, 1, '0.00']);
    assert.equal(file.facts.last_visit, '2026-11-23', 'the free session is a visit day');
    const again = await clinic.api('entitlements.use', { customer_id: zhang.id, item: '免费皮肤检测' }).catch((e) => e);
    assert.match(String(again.message), /本月的「免费皮肤检测」已用完/);
    assert.deepEqual(clinic.pageErrors, []);
  } finally {
    await clinic.close();
  }
});

test('the latest arrival is on top in the clinic\'s time, a channel is picked from the owner\'s list, a wrong phone gets the cursor', async () => {
  // The reception PC is set to New York; the clinic is in Shanghai.
  const clinic = await clinicWithStaff({ customersCsv: `${CUSTOMERS}李娜,13900002222,美团\n`, timezoneId: 'America/New_York' });
  try {
    const { page } = clinic;
    await clinic.api('channels.save', { channels: ['小红书', '美团', '老带新'] });
    await page.goto(`${clinic.url}#/triage`);
    await page.waitForSelector('#desk-search:focus');
    for (const typed of ['5678', '2222']) {
      await page.keyboard.type(typed);
      await page.keyboard.press('Enter');
      await page.waitForSelector('#card-name');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#desk-search:focus');
    }
    await page.waitForFunction(() => document.querySelectorAll('#board tbody tr').length === 2);
    const first = page.locator('#board tbody tr').first();
    assert.match(await first.textContent(), /李娜/, 'the latest arrival is on top');
    assert.equal(await first.getAttribute('class'), 'just-added');
    const { entries } = await clinic.api('desk.board', {});
    const shanghai = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(entries[0].arrived_at));
    assert.match(await first.textContent(), new RegExp(`${shanghai} 到`), 'the time is the clinic\'s, not the PC\'s');
    const rowHeight = await first.evaluate((tr) => tr.getBoundingClientRect().height);
    assert.ok(rowHeight < 80, `a board row is one line of buttons (${rowHeight}px)`);

    // A name that is not on file: the quick form, the name kept; a short phone puts the cursor on the phone.
    await page.keyboard.type('陈新客');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#quick-phone:focus');
    assert.equal(await page.inputValue('#quick-name'), '陈新客');
    await page.keyboard.type('1390000');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.quick-create .form-errors');
    assert.ok(await page.evaluate(() => document.activeElement.id === 'quick-phone'), 'the cursor is on the phone');
    await page.fill('#quick-phone', '13900003333');
    // A channel not on the list is not taken; xhs finds 小红书.
    await page.fill('#quick-channel', '红薯');
    await page.click('#quick-save');
    assert.match(await page.textContent('.quick-create .form-errors'), /不在本店的渠道列表里/);
    assert.equal((await clinic.api('customers.search', { q: '13900003333' })).length, 0, 'nothing was created');
    await page.fill('#quick-channel', 'xhs');
    await page.waitForSelector('#quick-channel-list li[role=option]');
    await page.press('#quick-channel', 'Enter');
    assert.equal(await page.inputValue('#quick-channel'), '小红书');
    await page.press('#quick-channel', 'Enter');
    await page.waitForSelector('#card-name');
    const [made] = await clinic.api('customers.search', { q: '13900003333' });
    const file = await clinic.api('customers.get', { id: made.id });
    assert.equal(file.customer.channel, '小红书');
  } finally {
    await clinic.close();
  }
});
