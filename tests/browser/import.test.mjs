// 设置 · 导入数据 with the files a clinic brings: a workbook dropped on the
// page (LibreOffice saved it: tests/fixtures/first-day), its sheets to choose
// from, problems named by sheet, row and column, and a progress bar while a
// large file is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clinicWithStaff } from './harness.mjs';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/first-day');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Drops a file on the import area as a user drags it from the desktop. */
async function dropFile(page, name, mimeType, bytes) {
  await page.evaluate(({ name, mimeType, base64 }) => {
    const raw = atob(base64);
    const data = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) data[i] = raw.charCodeAt(i);
    const transfer = new DataTransfer();
    transfer.items.add(new File([data], name, { type: mimeType }));
    document.querySelector('#import-drop').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, { name, mimeType, base64: Buffer.from(bytes).toString('base64') });
}

test('a workbook dropped on 导入数据 is checked sheet by sheet and imported', async () => {
  const clinic = await clinicWithStaff({}, '周院长');
  try {
    const { page } = clinic;
    await page.click('a[data-route="settings"]');
    const workbook = readFileSync(join(FIXTURES, 'clinic.xlsx'));
    await dropFile(page, '旧系统导出.xlsx', XLSX, workbook);
    await page.locator('#import-result').getByText('工作表「客户」检查通过（未写入）：共 6 行，新增 6').waitFor();
    assert.deepEqual(await page.locator('#import-sheet option').allTextContents(), ['客户', '消费', '划扣', '到院']);
    await page.click('#import-confirm');
    await page.locator('#import-result').getByText('工作表「客户」导入完成：共 6 行，新增 6').waitFor();

    // The consumption sheet of the same workbook, chosen from the list.
    await page.selectOption('#import-kind', 'consumption');
    await dropFile(page, '旧系统导出.xlsx', XLSX, workbook);
    await page.waitForSelector('#import-sheet');
    await page.selectOption('#import-sheet', '消费');
    await page.locator('#import-result').getByText('工作表「消费」检查通过（未写入）：共 5 行，新增 5').waitFor();
    await page.click('#import-confirm');
    await page.locator('#import-result').getByText('工作表「消费」导入完成').waitFor();
    const wang = (await clinic.api('customers.search', { q: '13800000002' }))[0];
    const file = await clinic.api('tiers.card', { id: wang.id });
    assert.equal(file.facts.spend_total, '2400.00', '¥3,600.00 paid and ¥-1,200.00 refunded');
  } finally {
    await clinic.close();
  }
});

test('a problem in a workbook is shown with its sheet, row and column, and nothing is written', async () => {
  const clinic = await clinicWithStaff({}, '周院长');
  try {
    const { page } = clinic;
    await page.click('a[data-route="settings"]');
    await page.selectOption('#import-kind', 'consumption');
    await page.setInputFiles('#import-file', { name: 'clinic.xlsx', mimeType: XLSX, buffer: readFileSync(join(FIXTURES, 'clinic.xlsx')) });
    await page.waitForSelector('#import-sheet');
    await page.selectOption('#import-sheet', '消费');
    await page.waitForSelector('#import-result .problems');
    const first = await page.locator('#import-result .problems tbody tr').first().locator('td').allTextContents();
    assert.deepEqual(first.slice(0, 3), ['消费', '2', 'A 列「手机号」']);
    assert.match(first[3], /手机号 13800000001 不在客户档案中/);
    assert.equal(await page.locator('#import-confirm').count(), 0);
    assert.equal((await clinic.api('app.info')).customers, 0);
  } finally {
    await clinic.close();
  }
});

test('a large file shows how far the import has got while the window stays usable', async () => {
  const clinic = await clinicWithStaff({}, '周院长');
  try {
    const { page } = clinic;
    await page.click('a[data-route="settings"]');
    const rows = 30000;
    let csv = '姓名,手机号,生日,来源渠道\n';
    for (let i = 0; i < rows; i++) csv += `客户${i},137${String(i).padStart(8, '0')},1990-0${1 + (i % 9)}-1${i % 10},美团\n`;
    await page.setInputFiles('#import-file', { name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.locator('#import-result').getByText(`检查通过（未写入）：共 ${rows} 行`).waitFor({ timeout: 60000 });
    await page.click('#import-confirm');
    // The bar moves while the rows are written …
    // (read in one go: a fast import replaces the bar with its result soon after)
    const value = await page.waitForFunction(() => {
      const bar = document.querySelector('#import-progress');
      const text = document.querySelector('#import-result .progress')?.textContent || '';
      return bar && /检查并写入：[1-9][\d,]* \/ 30,000 行/.test(text) ? Number(bar.value) : null;
    }, null, { timeout: 30000, polling: 20 }).then((h) => h.jsonValue());
    assert.ok(value > 0 && value <= rows, `progress ${value}`);
    // … and the window still answers: the navigation highlights on hover and the sidebar is there.
    assert.ok(await page.locator('a[data-route="customers"]').isVisible());
    await page.locator('#import-result').getByText(`导入完成：共 ${rows} 行，新增 ${rows}`).waitFor({ timeout: 120000 });
    assert.equal((await clinic.api('app.info')).customers, rows);
  } finally {
    await clinic.close();
  }
});
