// Two desks on one clinic: what one does shows on the other without a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clinicWithStaff } from './harness.mjs';

const CSV = `姓名,手机号
张小美,13812345678
赵晓梅,13998765678
`;

async function signInOn(page, url, name) {
  await page.goto(url);
  await page.getByRole('dialog').getByRole('button', { name }).click();
  await page.waitForSelector('body[data-ready="true"]');
}

test('an arrival registered at reception shows on the consultant\'s board within 2 s, without a reload', async () => {
  const clinic = await clinicWithStaff({ customersCsv: CSV }, '王晓燕');
  try {
    const consultant = await clinic.anotherDesk();
    await signInOn(consultant, clinic.url, '李咨询');
    await consultant.click('a[data-route="triage"]');
    await consultant.waitForSelector('#board .empty');
    const staff = await clinic.api('staff.list');
    const reception = staff.find((s) => s.name === '王晓燕').id;
    const [zhang] = await clinic.api('customers.search', { q: '13812345678' });
    const before = await consultant.evaluate(() => performance.now());
    // Reception, on its own page, registers the arrival.
    await clinic.page.click('a[data-route="triage"]');
    await clinic.api('desk.register', { customer_id: zhang.id, kind: '复诊' }, reception);
    await consultant.waitForFunction(() => document.querySelector('#board')?.textContent.includes('张小美'), null, { timeout: 2000 });
    const took = (await consultant.evaluate(() => performance.now())) - before;
    assert.ok(took < 2000, `${took} ms`);
    assert.match(await consultant.textContent('#board-counts'), /等待 1/);
  } finally {
    await clinic.close();
  }
});

test('a call ticked off on one desk leaves the other desk\'s list', async () => {
  const clinic = await clinicWithStaff({ customersCsv: CSV }, '王晓燕');
  try {
    const owner = clinic.ownerId;
    const [zhang] = await clinic.api('customers.search', { q: '13812345678' });
    const item = await clinic.api('items.create', { name: '水光针', category: '注射', list_price: '980' });
    const { order_id: orderId } = await clinic.api('orders.create', { customer_id: zhang.id, lines: [{ item_id: item.id, sessions: 1, price: '980' }], payment: { amount: '980', method: '微信' }, date: '2026-11-22' });
    const file = await clinic.api('consumption.file', { customer_id: zhang.id });
    const line = file.packages.find((p) => p.order_id === orderId).line_id;
    await clinic.api('executions.add', { line_id: line, count: 1, date: '2026-11-22' });
    const service = await clinic.anotherDesk();
    await signInOn(service, clinic.url, '李咨询');
    await service.click('a[data-route="callbacks"]');
    await service.waitForSelector('#checklist');
    assert.match(await service.textContent('#checklist'), /张小美/);
    const due = await clinic.api('callbacks.checklist', {});
    const call = due.groups.find((g) => g.name === '张小美').calls[0];
    await clinic.api('callbacks.complete', { id: call.id, outcome: 'reached', note: '恢复良好' }, owner);
    await service.waitForFunction(() => !document.querySelector('#checklist')?.textContent.includes('张小美'), null, { timeout: 2000 });
    assert.deepEqual(clinic.pageErrors, []);
  } finally {
    await clinic.close();
  }
});

test('change notices go only to a signed-in desk', async () => {
  const clinic = await clinicWithStaff({}, '王晓燕');
  try {
    const r = await fetch(`${clinic.url}events?token=made-up`, { headers: { Host: new URL(clinic.url).host } });
    assert.equal(r.status, 400);
    assert.equal((await r.json()).error.code, 'unauthorized');
  } finally {
    await clinic.close();
  }
});

test('a booking made on one desk appears in the other desk\'s day book', async () => {
  const clinic = await clinicWithStaff({ customersCsv: CSV }, '王晓燕');
  try {
    const other = await clinic.anotherDesk();
    await signInOn(other, clinic.url, '李咨询');
    await other.goto(`${clinic.url}#/appointments?date=2026-11-24&view=day`);
    await other.waitForSelector('#day-book');
    const staff = await clinic.api('staff.list');
    const doctor = staff.find((s) => s.name === '刘医生').id;
    const [zhao] = await clinic.api('customers.search', { q: '13998765678' });
    await clinic.api('appointments.book', { customer_id: zhao.id, date: '2026-11-24', time: '10:00', staff_id: doctor, purpose: '复诊' });
    await other.waitForFunction(() => document.querySelector('#day-book')?.textContent.includes('赵晓梅'), null, { timeout: 2000 });
  } finally {
    await clinic.close();
  }
});
