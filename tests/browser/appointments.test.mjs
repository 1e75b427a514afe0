// The booking book (预约) in a real browser: a call that ends in a booked
// visit, checking an appointment in at the desk, double booking refused in
// the dialog, the day book's columns and tomorrow's reminder list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { clinicWithStaff, liuke } from './harness.mjs';

const CUSTOMERS = `姓名,手机号
张小美,13800000001
王芳,13800000002
`;
// 张小美 was treated yesterday: a day-1 call today.
const CONSUMPTION = `手机号,日期,项目,项目类别,次数,实收金额,已执行次数
13800000001,2026-11-22,水光针,注射,1,980,1
`;

async function clinic() {
  const c = await clinicWithStaff({ customersCsv: CUSTOMERS });
  const f = `${c.dir}/consumption.csv`;
  writeFileSync(f, CONSUMPTION);
  liuke(c.db, 'import', 'consumption', f);
  const [zhang] = await c.api('customers.search', { q: '13800000001' });
  const [wang] = await c.api('customers.search', { q: '13800000002' });
  const staff = await c.api('staff.list');
  c.zhang = zhang.id;
  c.wang = wang.id;
  c.doctor = staff.find((s) => s.name === '刘医生').id;
  return c;
}

test('a call ends in a booked visit in one step and closes as reached', async () => {
  const c = await clinic();
  try {
    const { page } = c;
    await page.goto(`${c.url}#/callbacks`);
    await page.waitForSelector('.call:focus');
    const task = await page.getAttribute('.call:focus', 'data-task');
    await page.keyboard.press('5');
    await page.waitForSelector('form.booking');
    assert.match(await page.textContent('#book-customer'), /张小美\s*13800000001/);
    await page.fill('#book-date', '2026-11-27');
    await page.selectOption('#book-time', '11:00');
    await page.selectOption('#book-staff', { label: '刘医生（医生）' });
    await page.press('#book-note', 'Enter');
    await page.waitForSelector(`.call.done[data-task="${task}"]`);
    assert.match(await page.textContent(`.call.done[data-task="${task}"]`), /已接通，约到 2026-11-27 11:00 复查/);
    const [a] = (await c.api('appointments.day', { date: '2026-11-27' })).appointments;
    assert.equal(a.name, '张小美');
    assert.equal(a.staff_name, '刘医生');
    assert.equal(a.task_id, Number(task));
    const calls = await c.api('callbacks.customer', { customer_id: c.zhang });
    assert.equal(calls.tasks.find((t) => t.id === Number(task)).status, 'reached');
  } finally {
    await c.close();
  }
});

test('the desk checks an expected customer in with one key', async () => {
  const c = await clinic();
  try {
    const { page } = c;
    await c.api('appointments.book', { customer_id: c.wang, date: '2026-11-23', time: '15:00', staff_id: c.doctor, purpose: '复查' });
    await page.goto(`${c.url}#/triage`);
    await page.waitForSelector('#expected .expected');
    assert.match(await page.textContent('#expected'), /待到院 1.*15:00\s*王芳\s*复查/s);
    await page.focus('#expected .expected');
    await page.keyboard.press('Enter');
    await page.waitForSelector('table.board tr[data-status="waiting"]');
    const row = await page.textContent('table.board tbody');
    assert.match(row, /王芳/);
    assert.match(row, /复查/);
    assert.equal(await page.locator('table.board select').first().evaluate((s) => s.selectedOptions[0].textContent), '刘医生');
    await page.waitForSelector('#expected >> text=今天没有待到院的预约');
    const [a] = (await c.api('appointments.day', { date: '2026-11-23' })).appointments;
    assert.equal(a.status, 'arrived');
  } finally {
    await c.close();
  }
});

test('double booking a doctor is refused in the dialog with who is in the way', async () => {
  const c = await clinic();
  try {
    const { page } = c;
    await c.api('appointments.book', { customer_id: c.zhang, date: '2026-11-24', time: '10:00', staff_id: c.doctor, purpose: '复查' });
    await page.goto(`${c.url}#/appointments?date=2026-11-24`);
    await page.waitForSelector('#day-book');
    // The doctor's 10:00 is busy in the book; 10:30 is free.
    assert.match(await page.textContent('#day-book td.busy'), /张小美/);
    assert.equal(await page.locator(`#day-book button.slot-free[data-staff="${c.doctor}"][data-time="10:00"]`).count(), 0);
    await page.click('#new-appointment');
    await page.fill('#book-customer-search', '王芳');
    await page.waitForSelector('#book-customer-hits li');
    await page.press('#book-customer-search', 'Enter');
    await page.fill('#book-date', '2026-11-24');
    await page.selectOption('#book-time', '10:00');
    await page.selectOption('#book-staff', { label: '刘医生（医生）' });
    await page.click('#book-save');
    await page.waitForSelector('#book-errors .form-errors');
    assert.match(await page.textContent('#book-errors'), /刘医生 在 10:00–10:30 已有预约（张小美 复查），由 \S+（今天 \d\d:\d\d） 约下，不能重复预约/);
    await page.selectOption('#book-time', '10:30');
    await page.click('#book-save');
    await page.waitForSelector('form.booking', { state: 'detached' });
    await page.waitForSelector('#day-book >> text=王芳');
    assert.equal((await c.api('appointments.day', { date: '2026-11-24' })).appointments.length, 2);
  } finally {
    await c.close();
  }
});

test('tomorrow\'s reminder list has the text ready to copy', async () => {
  const c = await clinic();
  try {
    const { page } = c;
    await c.api('appointments.save_settings', { open: '09:00', close: '21:00', slot_minutes: 30, clinic_name: '留客医美', address: '幸福路 8 号', phone: '021-5555 0000' });
    await c.api('appointments.book', { customer_id: c.wang, date: '2026-11-24', time: '14:30', staff_id: c.doctor, purpose: '治疗' });
    await page.goto(`${c.url}#/appointments?view=reminders`);
    await page.waitForSelector('#reminders .reminder');
    assert.equal(await page.textContent('#reminders .reminder-text'),
      '王芳您好，留客医美提醒您：您预约了11月24日（周二） 14:30 的治疗，由刘医生接待。地址：幸福路 8 号。如需改期请致电 021-5555 0000。');
  } finally {
    await c.close();
  }
});

test('an appointment is moved and cancelled from the book, and its history says who and when', async () => {
  const c = await clinic();
  try {
    const { page } = c;
    const a = await c.api('appointments.book', { customer_id: c.zhang, date: '2026-11-24', time: '10:00', staff_id: c.doctor, purpose: '复查' });
    await page.goto(`${c.url}#/appointments?date=2026-11-24`);
    await page.click(`#day-book .appt[data-appointment="${a.id}"]`);
    await page.click('#appt-move');
    await page.waitForSelector('form.booking');
    assert.equal(await page.textContent('#book-title'), '改期');
    await page.selectOption('#book-time', '14:00');
    await page.click('#book-save');
    await page.waitForSelector('form.booking', { state: 'detached' });
    await page.waitForSelector(`#day-book .appt[data-appointment="${a.id}"]`);
    const moved = await c.api('appointments.get', { id: a.id });
    assert.equal(moved.start, '14:00');
    await page.click(`#day-book .appt[data-appointment="${a.id}"]`);
    await page.click('#appt-cancel');
    await page.fill('#ask-input', '客户临时出差');
    await page.press('#ask-input', 'Enter');
    await page.waitForSelector('#book-body >> text=已取消：14:00 张小美');
    const after = await c.api('appointments.get', { id: a.id });
    assert.equal(after.status, 'cancelled');
    assert.deepEqual(after.history.map((e) => [e.what, e.by]), [['booked', '周院长'], ['moved', '王晓燕'], ['cancelled', '王晓燕']]);
    assert.equal(after.history[2].detail, '客户临时出差');
  } finally {
    await c.close();
  }
});

test('a customer with an appointment found at the desk is registered with it, and it counts as arrived', async () => {
  const c = await clinic();
  try {
    const { page } = c;
    await c.api('appointments.book', { customer_id: c.wang, date: '2026-11-23', time: '16:00', staff_id: c.doctor, purpose: '治疗' });
    await page.goto(`${c.url}#/triage`);
    await page.waitForSelector('#desk-search:focus');
    await page.keyboard.type('0002');
    await page.waitForSelector('#desk-results li');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#card-appointment');
    assert.match(await page.textContent('#card-appointment'), /今日预约：16:00 治疗 · 刘医生/);
    assert.equal(await page.inputValue('#arrival-kind'), '治疗');
    assert.equal(await page.locator('#arrival-assign').evaluate((s) => s.selectedOptions[0].textContent), '刘医生（医生）');
    await page.keyboard.press('Enter');
    await page.waitForSelector('table.board tr[data-status="waiting"]');
    const [a] = (await c.api('appointments.day', { date: '2026-11-23' })).appointments;
    assert.equal(a.status, 'arrived');
  } finally {
    await c.close();
  }
});
