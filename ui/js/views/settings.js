/**
 * 设置: staff accounts, importing customers from a CSV file (checked first,
 * then imported whole or not at all), and where the data lives.
 */
import { call } from '../api.js';
import { h, replace, toast } from '../dom.js';
import { renderStaffPanel } from './staff.js';

/** Reads a File into base64 without blowing the stack on large files. */
async function toBase64(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function problemTable(problems) {
  return h('table', { class: 'list problems' },
    h('thead', {}, h('tr', {}, h('th', {}, '行'), h('th', {}, '列'), h('th', {}, '问题'))),
    h('tbody', {}, problems.map((p) => h('tr', {}, h('td', {}, p.line ?? ''), h('td', {}, p.column), h('td', {}, p.reason)))));
}

function renderImportPanel(panel) {
  const input = h('input', { type: 'file', id: 'import-file', accept: '.csv,text/csv' });
  const result = h('div', { id: 'import-result', 'aria-live': 'polite' });
  let content = '';
  let fileName = '';

  const run = async (dryRun) => {
    replace(result, h('p', { class: 'progress' }, dryRun ? '正在检查文件…' : '正在导入…'));
    try {
      const { report, summary } = await call('import.customers', { content_base64: content, dry_run: dryRun });
      replace(result,
        h('p', {}, `${fileName}：${summary}`),
        dryRun && report.rows > 0 ? h('button', { type: 'button', class: 'primary', id: 'import-confirm', onclick: () => run(false) }, `确认导入 ${report.rows} 行`) : null);
      if (!dryRun) toast(summary);
    } catch (e) {
      replace(result, h('div', { class: 'form-errors' }, h('strong', {}, e.message)), e.problems.length ? problemTable(e.problems) : null);
    }
  };

  input.addEventListener('change', async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    fileName = file.name;
    content = await toBase64(file);
    await run(true);
  });

  replace(panel,
    h('h2', {}, '导入客户'),
    h('p', { class: 'hint' }, 'CSV 文件（Excel 另存为 CSV 即可，UTF-8 或 GBK 均可）。表头可用中文或英文：姓名*、手机号*、性别、生日、来源渠道、推荐人手机号、顾问、标签、不接受营销、备注。先检查，全部无误才导入；有任何问题则一行也不写入。同一文件重复导入不会产生重复档案。'),
    input, result);
}

async function renderInfoPanel(panel) {
  const info = await call('app.info');
  replace(panel,
    h('h2', {}, '数据'),
    h('dl', { class: 'facts' },
      h('dt', {}, '数据库'), h('dd', { class: 'phone' }, info.db_path),
      h('dt', {}, '结构版本'), h('dd', {}, String(info.schema_version)),
      h('dt', {}, '今天'), h('dd', {}, `${info.today}（${info.time_zone}）`),
      h('dt', {}, '客户数'), h('dd', {}, String(info.customers)),
      h('dt', {}, '版本'), h('dd', {}, `${info.app} ${info.version}`)));
}

/** @param {HTMLElement} main */
export async function renderSettings(main) {
  const staffPanel = h('div', { class: 'panel', id: 'staff-panel' });
  const importPanel = h('div', { class: 'panel', id: 'import-panel' });
  const infoPanel = h('div', { class: 'panel', id: 'info-panel' });
  replace(main, h('h1', {}, '设置'), staffPanel, importPanel, infoPanel);
  renderImportPanel(importPanel);
  await Promise.all([renderStaffPanel(staffPanel), renderInfoPanel(infoPanel)]);
}
