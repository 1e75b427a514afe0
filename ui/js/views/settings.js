/**
 * 设置: staff accounts, the item catalogue, importing the four CSV files
 * (checked first, then imported whole or not at all), and where the data lives.
 */
import { may } from '../session.js';
import { call, onChange } from '../api.js';
import { ask, h, orDash, replace, toast } from '../dom.js';
import { yuan } from '../format.js';
import { moneyText } from './consumption.js';
import { renderRulesPanel } from './tiers.js';
import { renderBenefitsPanel } from './benefits.js';
import { renderPlansPanel, renderTemplatesPanel } from './callbacks.js';
import { renderBookingSettingsPanel } from './appointments.js';
import { renderCostsPanel } from './costs.js';

const IMPORTS = {
  customers: ['客户', '表头：姓名*、手机号*、性别、生日、来源渠道、推荐人手机号、顾问、标签、不接受营销、备注。同一手机号再次导入只补充信息，不会产生重复档案。'],
  consumption: ['消费记录', '表头：手机号*、日期*、项目*、项目类别、次数、实收金额*（负数为退款）、已执行次数、医生、顾问、单号。每行是一次开单和当天的收款；有单号的行重复导入不会重复记账。客户须已在档案中。'],
  executions: ['划扣记录', '表头：手机号*、日期*、项目*、次数。从该客户这个项目最早、还有剩余次数的订单中扣除；剩余次数不够的行会报错。'],
  arrivals: ['到院记录', '表头：手机号*、日期*、类型（初诊 复诊 复查 治疗 咨询）、渠道。'],
  costs: ['获客成本', '表头：月份*（如 2026-10 或 2026年10月）、渠道*、金额*。每行是某月某渠道的推广花费，会替换该月该渠道已录入的金额；同一文件里同一月份同一渠道只能出现一次。', 'costs.import'],
};
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
  const workbook = problems.some((p) => p.sheet);
  return h('table', { class: 'list problems' },
    h('thead', {}, h('tr', {}, workbook ? h('th', {}, '工作表') : null, h('th', {}, '行'), h('th', {}, '列'), h('th', {}, '问题'))),
    h('tbody', {}, problems.map((p) => h('tr', {},
      workbook ? h('td', {}, p.sheet ?? '') : null, h('td', {}, p.line ?? ''), h('td', {}, p.column), h('td', {}, p.reason)))));
}

const FILE_TYPES = '.csv,.xlsx,.xls,.xlsb,.ods,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel,application/vnd.oasis.opendocument.spreadsheet';

/**
 * While an import runs (it holds the database), asks the core how far it has
 * got and shows it as a bar with the rows done; the window stays usable.
 */
function watchProgress(box, verb) {
  const bar = h('progress', { id: 'import-progress', max: 1, value: 0 });
  const text = h('span', { class: 'progress' }, `${verb}…`);
  const started = Date.now();
  replace(box, h('div', { class: 'import-progress' }, bar, text));
  const timer = setInterval(async () => {
    const seconds = Math.round((Date.now() - started) / 1000);
    let p = null;
    try { p = await call('import.progress'); } catch { /* the answer comes with the import itself */ }
    if (p && p.total > 0) {
      bar.max = p.total;
      bar.value = p.done;
      text.textContent = `${p.step}：${p.done.toLocaleString('zh-CN')} / ${p.total.toLocaleString('zh-CN')} 行 · 已用 ${seconds} 秒`;
    } else if (p) {
      text.textContent = `${p.step}… 已用 ${seconds} 秒`;
    }
  }, 400);
  return () => clearInterval(timer);
}

function renderImportPanel(panel) {
  const input = h('input', { type: 'file', id: 'import-file', accept: FILE_TYPES, class: 'visually-hidden' });
  const hint = h('p', { class: 'hint', id: 'import-hint' });
  const result = h('div', { id: 'import-result', 'aria-live': 'polite' });
  let content = '';
  let fileName = '';
  let sheet = null;
  const kind = h('select', {
    id: 'import-kind', 'aria-label': '导入哪种文件',
    onchange: () => { replace(hint, IMPORTS[kind.value][1]); replace(result); input.value = ''; content = ''; },
  }, Object.entries(IMPORTS).map(([k, [label]]) => h('option', { value: k }, label)));

  let sheets = [];
  // A workbook with several sheets: which one holds the records (the first unless chosen).
  const sheetPicker = () => {
    if (sheets.length < 2) return null;
    const select = h('select', {
      id: 'import-sheet', 'aria-label': '工作表',
      onchange: () => { sheet = select.value; run(true); },
    }, sheets.map((name) => h('option', { value: name, selected: name === (sheet ?? sheets[0]) }, name)));
    return h('label', { class: 'sheet-picker' }, '工作表 ', select);
  };

  const run = async (dryRun) => {
    const stop = watchProgress(result, dryRun ? '正在检查文件' : '正在导入');
    try {
      const { report, summary } = await call(IMPORTS[kind.value][2] || `import.${kind.value}`, { content_base64: content, dry_run: dryRun, sheet });
      stop();
      replace(result,
        sheetPicker(),
        h('p', {}, `${fileName}：${summary}`),
        dryRun && report.rows > 0 ? h('button', { type: 'button', class: 'primary', id: 'import-confirm', onclick: () => run(false) }, `确认导入 ${report.rows} 行`) : null);
      if (!dryRun) {
        toast(summary);
        panel.dispatchEvent(new CustomEvent('imported', { bubbles: true, detail: kind.value }));
      }
    } catch (e) {
      stop();
      replace(result, sheetPicker(), h('div', { class: 'form-errors' }, h('strong', {}, e.message)), e.problems.length ? problemTable(e.problems) : null);
    }
  };

  const take = async (file) => {
    if (!file) return;
    fileName = file.name;
    sheet = null;
    replace(result, h('p', { class: 'progress' }, `正在读取 ${file.name}…`));
    content = await toBase64(file);
    sheets = [];
    try { sheets = (await call('import.sheets', { content_base64: content })).sheets; } catch { /* not a workbook we can read: the check says why */ }
    await run(true);
  };
  input.addEventListener('change', () => take(input.files && input.files[0]));

  const drop = h('label', { class: 'drop-zone', id: 'import-drop', for: 'import-file', tabindex: '0',
    onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); input.click(); } } },
    h('strong', {}, '把 Excel 或 CSV 文件拖到这里'), h('span', { class: 'hint' }, '或点此选择文件（.xlsx .xls .xlsb .ods .csv）'), input);
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    take(e.dataTransfer && e.dataTransfer.files[0]);
  });

  replace(hint, IMPORTS.customers[1]);
  replace(panel,
    h('h2', {}, '导入数据'),
    h('p', { class: 'hint' }, 'Excel 工作簿（.xlsx .xls .xlsb，WPS 保存的也可以）、OpenDocument（.ods）或 CSV 文件（UTF-8 或 GBK 均可），表头可用中文或英文；日期和金额按表格里的样子读取（如 2026年10月5日、¥-149）。先检查，全部无误才导入；有任何问题则一行也不写入。同一文件重复导入不会重复记录。请先导入客户，再导入消费、划扣和到院记录。'),
    h('div', { class: 'inline-form', style: 'align-items:center;margin-bottom:8px' }, h('label', {}, '导入 ', kind)),
    drop, hint, result);
}

async function renderItemsPanel(panel) {
  const { items, categories } = await call('items.list');
  let editing = null;
  const name = h('input', { id: 'item-name', type: 'text', autocomplete: 'off', placeholder: '如 水光针' });
  const category = h('select', { id: 'item-category' }, categories.map((c) => h('option', { value: c }, c)));
  const price = h('input', { id: 'item-price', type: 'text', inputmode: 'decimal', placeholder: '每次价格，可不填' });
  const cycle = h('input', { id: 'item-cycle', type: 'number', min: '1', placeholder: '天，可不填' });
  const noDiscount = h('input', { id: 'item-no-discount', type: 'checkbox' });
  const save = h('button', { type: 'submit', class: 'primary', id: 'item-save' }, '添加项目');
  const field = (label, control) => h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
  const form = h('form', {
    class: 'inline-panel', novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      const draft = {
        name: name.value, category: category.value,
        list_price: moneyText(price.value) || null,
        repurchase_days: cycle.value ? Number(cycle.value) : null,
        active: true,
        no_discount: noDiscount.checked,
      };
      try {
        await call(editing ? 'items.update' : 'items.create', editing ? { id: editing.id, ...draft, followup_plan: editing.followup_plan } : draft);
        toast(editing ? '已保存项目' : `已添加项目「${draft.name}」`);
        await renderItemsPanel(panel);
      } catch (err) { toast(err.message, 'error'); }
    },
  }, field('项目名称', name), field('类别', category), field('单次价格', price), field('复购周期（天）', cycle),
  h('div', { class: 'field' }, h('label', { for: 'item-no-discount' }, '会员折扣'), h('label', { class: 'check' }, noDiscount, ' 不参与折扣')), save);
  const edit = (item) => {
    editing = item;
    name.value = item.name;
    category.value = item.category;
    price.value = item.list_price || '';
    cycle.value = item.repurchase_days || '';
    noDiscount.checked = item.no_discount;
    save.textContent = '保存修改';
    name.focus();
  };
  replace(panel,
    h('h2', {}, `项目目录（${items.length}）`),
    h('p', { class: 'hint' }, '复购周期不填时按名称自动设定：肉毒 120 天、玻尿酸 180 天、水光 30 天、光子嫩肤 30 天、热玛吉 365 天。导入消费记录时，新项目会自动加入目录。'),
    form,
    items.length ? h('table', { class: 'list', id: 'items-table', style: 'margin-top:12px' },
      h('thead', {}, h('tr', {}, ['项目', '类别', '单次价格', '复购周期', '', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, items.map((i) => h('tr', {},
        h('td', {}, i.name), h('td', {}, i.category), h('td', { class: 'money' }, i.list_price ? yuan(i.list_price) : orDash('')),
        h('td', {}, i.repurchase_days ? `${i.repurchase_days} 天` : orDash('')),
        h('td', { class: 'hint' }, i.no_discount ? '不参与折扣' : ''),
        h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => edit(i) }, '修改')))))) : h('p', { class: 'empty' }, '目录还是空的。'));
}

/** The owner's view of the audit log: who viewed, changed and exported what. */
async function renderAuditPanel(panel) {
  const log = await call('audit.list', { limit: 100 });
  replace(panel,
    h('h2', {}, '操作记录（最近 100 条）'),
    h('p', { class: 'hint' }, '谁查看了哪位客户的档案、改了什么（改前/改后）、导出和恢复了什么。记录只增不删。'),
    log.length ? h('table', { class: 'list', id: 'audit-table' },
      h('thead', {}, h('tr', {}, ['时间', '员工', '操作', '对象', '内容'].map((t) => h('th', {}, t)))),
      h('tbody', {}, log.map((e) => h('tr', {},
        h('td', { class: 'phone' }, new Date(e.at).toLocaleString('zh-CN', { hour12: false })), h('td', {}, orDash(e.staff)),
        h('td', {}, e.action), h('td', {}, orDash(e.target)),
        h('td', { class: 'hint' }, e.before ? `改前 ${e.before.slice(0, 80)}… → 改后 ${(e.after || '').slice(0, 80)}…` : orDash(e.detail)))))) : h('p', { class: 'empty' }, '还没有记录。'));
}

/**
 * Sign-in safety, for the owner: how long an idle sign-in lasts, and every
 * failed sign-in (a wrong PIN, a try while locked) with whose account it was.
 */
async function renderSignInPanel(panel) {
  const [settings, failures] = await Promise.all([call('sessions.settings'), call('audit.list', { action: '登录失败', limit: 50 })]);
  const hours = h('input', { id: 'idle-hours', type: 'number', min: '1', max: '720', value: String(settings.idle_hours), style: 'width:90px' });
  const save = async (e) => {
    e.preventDefault();
    try {
      const saved = await call('sessions.save_settings', { idle_hours: Number(hours.value) });
      toast(`已保存：${saved.idle_hours} 小时无操作自动退出登录`);
    } catch (err) { toast(err.message, 'error'); }
  };
  replace(panel,
    h('h2', {}, '登录安全'),
    h('form', { class: 'fields', onsubmit: save },
      h('div', { class: 'field' }, h('label', { for: 'idle-hours' }, '无操作多少小时后自动退出登录'), hours),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'idle-save' }, '保存'))),
    h('p', { class: 'hint' }, 'PIN 连续输错 5 次锁定 10 分钟；之后每错一次锁定时间加倍（最长 1 天），直到输对或院长重设 PIN。重设 PIN、改岗位或停用账号时，此人已登录的窗口会立即退出。'),
    h('h3', {}, `登录失败记录（最近 ${failures.length} 次）`),
    failures.length ? h('table', { class: 'list', id: 'failed-sign-ins' },
      h('thead', {}, h('tr', {}, ['时间', '账号与原因'].map((t) => h('th', {}, t)))),
      h('tbody', {}, failures.map((e) => h('tr', {},
        h('td', { class: 'phone' }, new Date(e.at).toLocaleString('zh-CN', { hour12: false })),
        h('td', {}, orDash(e.detail)))))) : h('p', { class: 'empty' }, '没有登录失败的记录。'));
}

/** 备份加密: the owner's backup passphrase; every backup after it is sealed. */
function passphraseForm(panel, sealed) {
  const old = h('input', { id: 'passphrase-old', type: 'password', autocomplete: 'off' });
  const fresh = h('input', { id: 'passphrase-new', type: 'password', autocomplete: 'new-password' });
  const again = h('input', { id: 'passphrase-again', type: 'password', autocomplete: 'new-password' });
  const save = async (e) => {
    e.preventDefault();
    if (fresh.value !== again.value) { toast('两次输入的备份口令不一样', 'error'); return; }
    try {
      await call('backup.set_passphrase', { old_passphrase: old.value || null, passphrase: fresh.value });
      toast('备份口令已设置：之后的备份都会加密。请把口令记在安全的地方。');
      await renderInfoPanel(panel);
    } catch (err) { toast(err.message, 'error'); }
  };
  return h('form', { class: 'fields', id: 'passphrase-form', onsubmit: save },
    sealed ? h('div', { class: 'field' }, h('label', { for: 'passphrase-old' }, '原来的备份口令'), old) : null,
    h('div', { class: 'field' }, h('label', { for: 'passphrase-new' }, sealed ? '新的备份口令（至少 8 个字符）' : '备份口令（至少 8 个字符）'), fresh),
    h('div', { class: 'field' }, h('label', { for: 'passphrase-again' }, '再输入一次'), again),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'passphrase-save' }, sealed ? '更换备份口令' : '设置备份口令')));
}

/** Whether the second backup folder can be reached now, and its newest copy. */
function mirrorState(status) {
  if (!status) return h('p', { class: 'hint', id: 'mirror-state' }, '未设置第二备份文件夹：建议用一个 U 盘或另一块硬盘，电脑坏了也不丢数据。');
  return status.reachable
    ? h('p', { class: 'hint', id: 'mirror-state' }, `第二备份文件夹可以使用。${status.newest ? `最近一份：${status.newest}` : '还没有复制过备份。'}`)
    : h('p', { class: 'hint warn', id: 'mirror-state' }, `现在找不到第二备份文件夹 ${status.path}（U 盘没插好或盘符不存在）。本机备份照常进行；插上后，下次备份会把最近一周的补上。`);
}

async function renderInfoPanel(panel) {
  const [info, backups, sealing] = await Promise.all([call('app.info'), call('backup.list'), call('backup.sealing')]);
  const mirror = h('input', { id: 'backup-mirror', type: 'text', value: backups.mirror || '', placeholder: '第二个备份文件夹（如 U 盘），可不填' });
  const restore = async (b) => {
    if (!window.confirm(`用 ${b.path} 恢复？当前数据库会先另存一份。`)) return;
    const passphrase = b.path.endsWith('.db.age') ? await ask('这是加密的备份', '备份口令', { secret: true }) : null;
    if (b.path.endsWith('.db.age') && !passphrase) return;
    try {
      const r = await call('backup.restore', { path: b.path, passphrase });
      toast(`已恢复：客户 ${r.customers} 位`);
      await renderInfoPanel(panel);
    } catch (e) { toast(e.message, 'error'); }
  };
  replace(panel,
    h('h2', {}, '数据'),
    h('dl', { class: 'facts' },
      h('dt', {}, '数据库'), h('dd', { class: 'phone' }, info.db_path),
      h('dt', {}, '结构版本'), h('dd', {}, String(info.schema_version)),
      h('dt', {}, '今天'), h('dd', {}, `${info.today}（${info.time_zone}）`),
      h('dt', {}, '客户数'), h('dd', {}, String(info.customers)),
      h('dt', {}, '版本'), h('dd', {}, `${info.app} ${info.version}`)),
    h('h2', { style: 'margin-top:18px' }, '备份'),
    h('p', { class: 'hint' }, `每天第一次打开时自动备份（联机备份并校验），保留最近 7 天、4 周、12 个月。备份文件夹：${backups.dir}`),
    h('div', { class: 'inline-form' }, mirror,
      h('button', { type: 'button', id: 'backup-mirror-save', onclick: async () => {
        try {
          const r = await call('backup.set_mirror', { path: mirror.value });
          toast(!r.mirror ? '已取消第二备份文件夹' : r.reachable ? '已保存第二备份文件夹' : '已保存；现在找不到这个文件夹（U 盘没插？），插上后下次备份会补上');
          await renderInfoPanel(panel);
        } catch (e) { toast(e.message, 'error'); }
      } }, '保存'),
      h('button', { type: 'button', class: 'primary', id: 'backup-now', onclick: async () => {
        try {
          const b = await call('backup.now');
          if (b.mirror && b.mirror.problem) toast(`备份完成：${b.customers} 位客户。${b.mirror.problem}`, 'error');
          else toast(`备份完成：${b.customers} 位客户${b.mirror ? '，正在复制到第二备份文件夹' : ''}`);
          await renderInfoPanel(panel);
          // The copying goes on beside the desks' work; show its result when done.
          if (b.mirror && b.mirror.underway) setTimeout(() => { if (panel.isConnected) renderInfoPanel(panel).catch(() => {}); }, 3000);
        } catch (e) { toast(e.message, 'error'); }
      } }, '立即备份')),
    mirrorState(backups.mirror_status),
    backups.backups.length ? h('table', { class: 'list', id: 'backup-list', style: 'margin-top:10px' },
      h('thead', {}, h('tr', {}, ['文件', '大小', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, backups.backups.slice(0, 30).map((b) => h('tr', {},
        h('td', { class: 'phone' }, b.path.split(/[\\/]/).pop()), h('td', {}, `${Math.ceil(b.bytes / 1024)} KB`),
        h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => restore(b) }, '用它恢复')))))) : h('p', { class: 'empty' }, '还没有备份。'),
    h('h2', { style: 'margin-top:18px' }, '备份加密'),
    h('p', { class: 'hint', id: 'sealing-state' }, sealing.sealed
      ? '已加密：每份备份（包括第二备份文件夹里的）没有备份口令就打不开，U 盘丢了也不会泄露客户资料。恢复时需要输入口令。'
      : '尚未加密：备份是普通的数据库文件，拿到 U 盘的人就能打开。设置备份口令后，之后的每份备份都会加密。'),
    passphraseForm(panel, sealing.sealed));
}

/**
 * 多台电脑共用, for the owner: listen on the clinic's network (on the host
 * only), the address and pairing code the other PCs need, and the desks
 * that asked — approve or revoke each.
 */
async function renderNetworkPanel(panel) {
  const [status, desks] = await Promise.all([call('lan.status'), call('desks.list')]);
  const enabled = h('input', { id: 'lan-enabled', type: 'checkbox', checked: status.enabled });
  const port = h('input', { id: 'lan-port', type: 'number', min: '1024', max: '65535', value: String(status.port), style: 'width:110px' });
  const save = async (e) => {
    e.preventDefault();
    try {
      const saved = await call('lan.save_settings', { enabled: enabled.checked, port: Number(port.value) });
      toast(saved.enabled ? '已开启多台电脑共用' : '已关闭多台电脑共用：其他电脑将无法连接');
      // The listener starts a moment after the setting is saved.
      setTimeout(() => renderNetworkPanel(panel).catch((err) => toast(err.message, 'error')), 900);
    } catch (err) { toast(err.message, 'error'); }
  };
  const decide = (cmd, desk, verb) => async () => {
    if (cmd === 'desks.revoke' && !window.confirm(`撤销「${desk.name}」的连接？在那台电脑上登录的同事会立即退出。`)) return;
    try {
      await call(cmd, { id: desk.id });
      toast(`已${verb}「${desk.name}」`);
      await renderNetworkPanel(panel);
    } catch (err) { toast(err.message, 'error'); }
  };
  const time = (t) => (t ? new Date(t).toLocaleString('zh-CN', { hour12: false }) : '—');
  const where = status.listening || status.address;
  replace(panel,
    h('h2', {}, '多台电脑共用'),
    h('p', { class: 'hint' }, '开启后，店里的其他电脑（前台 B、咨询室、治疗室、院长办公室）和平板可以通过店内网络使用本机的数据，所有人看到的是同一份记录。数据只在本机，其他电脑经加密连接访问；每台电脑第一次连接都需要院长批准，从其他电脑登录必须输入 PIN。'),
    h('form', { class: 'fields', onsubmit: save },
      h('div', { class: 'field check' }, h('label', { for: 'lan-enabled' }, enabled, ' 开启多台电脑共用（本机作为主机）')),
      h('div', { class: 'field' }, h('label', { for: 'lan-port' }, '端口'), port),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'lan-save' }, '保存'))),
    status.problem ? h('p', { class: 'error-text', role: 'alert' }, status.problem) : null,
    status.listening || status.enabled ? h('div', { class: 'pairing', id: 'pairing' },
      h('div', {}, h('span', { class: 'hint' }, '主机地址'), h('strong', { class: 'phone', id: 'lan-address' }, where ? `https://${where}/` : '—')),
      h('div', {}, h('span', { class: 'hint' }, '配对码'), h('strong', { class: 'code', id: 'pairing-code' }, status.pairing_code)),
      h('p', { class: 'hint' }, status.listening
        ? '在其他电脑上打开留客，选「连接本店主机」，填写上面的地址，并核对屏幕上的配对码与这里一致。平板可直接用浏览器打开这个地址（第一次会提示证书不受信任，核对后继续即可）。'
        : '保存后稍等片刻即开始服务。')) : null,
    h('h3', {}, `已申请连接的电脑（${desks.length}）`),
    desks.length ? h('table', { class: 'list', id: 'desk-list' },
      h('thead', {}, h('tr', {}, ['名称', '地址', '状态', '申请时间', '最近登录', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, desks.map((d) => h('tr', { 'data-desk': d.name },
        h('td', {}, d.name), h('td', { class: 'phone' }, d.address), h('td', {}, h('span', { class: `badge desk-${d.status}` }, d.status_label)),
        h('td', { class: 'phone' }, time(d.requested_at)), h('td', { class: 'phone' }, time(d.last_seen)),
        h('td', { class: 'row-actions' },
          d.status === 'pending' ? h('button', { type: 'button', class: 'primary', onclick: decide('desks.approve', d, '批准') }, '批准') : null,
          d.status !== 'revoked' ? h('button', { type: 'button', class: 'link', onclick: decide('desks.revoke', d, '撤销') }, d.status === 'pending' ? '拒绝' : '撤销') : null))))) :
      h('p', { class: 'empty' }, '还没有电脑申请连接。'));
}

/** @param {HTMLElement} main */
/** 来源渠道: the owner's list that reception picks from, one a line. */
async function renderChannelsPanel(panel) {
  const list = await call('channels.list');
  const text = h('textarea', { id: 'channels-text', rows: '6', 'aria-label': '来源渠道，每行一个' }, list.channels.map((c) => c.name).join('\n'));
  text.value = list.channels.map((c) => c.name).join('\n');
  const errors = h('div', { role: 'alert' });
  replace(panel,
    h('h2', {}, '来源渠道 ', h('span', { class: 'hint' }, list.kept ? '前台只能从这份列表中选择' : '尚未整理：目前列出的是客户档案里已有的渠道')),
    h('p', { class: 'hint' }, '每行一个，前台按此顺序显示。相近的写法（如 红书、xhs）请只留一个名字；老档案里已有的写法不会自动改。'),
    h('p', { class: 'hint' }, list.channels.map((c) => `${c.name} ${c.customers} 位`).join(' · ')),
    errors,
    h('form', {
      class: 'inline-form', novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        try {
          await call('channels.save', { channels: text.value.split('\n') });
          toast('已保存来源渠道');
          await renderChannelsPanel(panel);
        } catch (err) {
          replace(errors, h('div', { class: 'form-errors' }, (err.problems.length ? err.problems.map((p) => p.reason) : [err.message]).join('；')));
        }
      },
    }, text, h('button', { type: 'submit', class: 'primary', id: 'channels-save' }, '保存渠道')));
}

export async function renderSettings(main) {
  const staffPanel = h('div', { class: 'panel', id: 'staff-panel' });
  const itemsPanel = h('div', { class: 'panel', id: 'items-panel' });
  const rulesPanel = h('div', { class: 'panel', id: 'rules-panel' });
  const benefitsPanel = h('div', { class: 'panel', id: 'benefits-panel' });
  const costsPanel = h('div', { class: 'panel', id: 'costs-panel' });
  const plansPanel = h('div', { class: 'panel', id: 'plans-panel' });
  const templatesPanel = h('div', { class: 'panel', id: 'templates-panel' });
  const bookingPanel = h('div', { class: 'panel', id: 'booking-panel' });
  const importPanel = h('div', { class: 'panel', id: 'import-panel' });
  const infoPanel = h('div', { class: 'panel', id: 'info-panel' });
  const auditPanel = h('div', { class: 'panel', id: 'audit-panel' });
  const signInPanel = h('div', { class: 'panel', id: 'sign-in-panel' });
  const networkPanel = h('div', { class: 'panel', id: 'network-panel' });
  const channelsPanel = h('div', { class: 'panel', id: 'channels-panel' });
  // Grouped, with a bar of jumps that stays in view: the tier rules are one
  // key away, not under a twelve-row staff table.
  const part = (id, title, ...panels) => h('section', { class: 'settings-part', id, 'aria-label': title }, h('h2', { class: 'part-title' }, title), panels);
  const parts = [
    ['settings-people', '人员与登录', [staffPanel, signInPanel, networkPanel]],
    ['settings-rules', '分层与权益', [rulesPanel, benefitsPanel]],
    ['settings-calls', '回访与预约', [plansPanel, templatesPanel, bookingPanel]],
    ['settings-catalogue', '项目、渠道与成本', [itemsPanel, channelsPanel, costsPanel]],
    ['settings-data', '数据与备份', [importPanel, infoPanel, auditPanel]],
  ];
  const jumps = h('nav', { class: 'jumps', 'aria-label': '设置各部分' }, parts.map(([id, title], i) => h('a', {
    href: '#', class: 'jump', dataset: { part: id }, title: `Alt+${i + 1}`,
    onclick: (e) => { e.preventDefault(); document.getElementById(id)?.scrollIntoView({ block: 'start' }); },
  }, title)));
  replace(main, h('div', { class: 'page-head file-bar' }, h('h1', {}, '设置'), jumps), parts.map(([id, title, panels]) => part(id, title, ...panels)));
  main.onkeydown = (e) => {
    const n = Number(e.key);
    if (e.altKey && n >= 1 && n <= parts.length && document.getElementById(parts[n - 1][0])) {
      e.preventDefault();
      document.getElementById(parts[n - 1][0]).scrollIntoView({ block: 'start' });
    }
  };
  renderImportPanel(importPanel);
  // Each panel stands alone: what a role may not manage says so, the rest works.
  const tolerant = (panel, render) => render(panel).catch((e) => replace(panel, h('p', { class: 'hint' }, e.message)));
  await Promise.all([
    tolerant(staffPanel, renderStaffPanel), tolerant(itemsPanel, renderItemsPanel), tolerant(rulesPanel, renderRulesPanel), tolerant(benefitsPanel, renderBenefitsPanel),
    tolerant(plansPanel, renderPlansPanel), tolerant(templatesPanel, renderTemplatesPanel), tolerant(bookingPanel, renderBookingSettingsPanel), tolerant(infoPanel, renderInfoPanel), tolerant(auditPanel, renderAuditPanel),
    tolerant(signInPanel, renderSignInPanel), tolerant(networkPanel, renderNetworkPanel), tolerant(costsPanel, renderCostsPanel),
    may('channels.save') ? tolerant(channelsPanel, renderChannelsPanel) : channelsPanel.remove(),
  ]);
  // A costs file just imported shows in the costs panel.
  importPanel.addEventListener('imported', (e) => { if (e.detail === 'costs') tolerant(costsPanel, renderCostsPanel); });
  // A PC asking to connect shows up here without a reload.
  const stop = onChange((cmd) => {
    if (!document.body.contains(networkPanel)) { stop(); return; }
    if (cmd === 'desk.ask' || cmd.startsWith('desks.') || cmd === '*') tolerant(networkPanel, renderNetworkPanel);
  });
}
