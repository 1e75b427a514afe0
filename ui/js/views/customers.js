/**
 * 客户档案: find a customer as you type (phone, last 4 digits, name, pinyin
 * initials), open their file, create or edit it. Keyboard first: the search
 * box has focus, ↑/↓ choose, Enter opens, Alt+N creates, Esc leaves a form.
 */
import { call } from '../api.js';
import { ask, h, orDash, replace, toast } from '../dom.js';
import { renderConsumptionSection } from './consumption.js';
import { typeahead } from '../typeahead.js';
import { renderTierPanels } from './tiers.js';
import { renderWalletPanel } from './wallet.js';
import { renderCustomerCalls } from './callbacks.js';
import { renderCustomerAppointments } from './appointments.js';
import { may } from '../session.js';

const GENDER = { F: '女', M: '男' };

/** Age in whole years on `today` (YYYY-MM-DD strings). */
export function ageOn(birthday, today) {
  if (!birthday || !today) return null;
  const [by, bm, bd] = birthday.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  let age = ty - by;
  if (tm < bm || (tm === bm && td < bd)) age -= 1;
  return age;
}

/** Whether typed text looks like the start of a phone number. */
export function looksLikePhone(text) {
  return /^[\d\s\-+]{3,}$/.test(text.trim());
}

let todayCache = '';
async function today() {
  if (!todayCache) todayCache = (await call('app.info')).today;
  return todayCache;
}

function tagList(tags) {
  return (tags || []).map((t) => h('span', { class: 'tag' }, t));
}

function memoList(points) {
  return (points || []).map((t) => h('span', { class: 'memo' }, t));
}

/**
 * The search screen.
 * @param {HTMLElement} main
 * @param {string} initial
 */
export async function renderSearch(main, initial) {
  const input = h('input', {
    id: 'customer-search', type: 'search', autocomplete: 'off', spellcheck: 'false',
    placeholder: '输入手机号、后四位、姓名或拼音首字母（如 zxm）', value: initial,
    'aria-label': '查找客户', 'aria-controls': 'results',
  });
  const status = h('div', { class: 'hint', id: 'search-status', 'aria-live': 'polite' });
  const results = h('div', { id: 'results' });
  replace(main,
    h('div', { class: 'page-head' },
      h('h1', {}, '客户档案'),
      h('span', { class: 'spacer' }),
      h('a', { class: 'button', href: '#/customers/segments', id: 'segments' }, '分层名单'),
      may('customers.create') ? h('a', { class: 'button primary', href: '#/customers/new', id: 'new-customer' }, '新建客户档案 ', h('kbd', {}, 'Alt+N')) : null),
    h('div', { class: 'search-box' }, input),
    status,
    results);

  let hits = [];
  let selected = 0;
  let seq = 0;
  const todayText = await today();

  const select = (i) => {
    selected = Math.max(0, Math.min(hits.length - 1, i));
    results.querySelectorAll('tbody tr').forEach((tr, n) => tr.setAttribute('aria-selected', String(n === selected)));
    results.querySelector('tr[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  };

  const show = (q) => {
    if (!q.trim()) {
      replace(status, '按 ', h('kbd', {}, 'F2'), ' 或 ', h('kbd', {}, '/'), ' 随时回到搜索框；↑ ↓ 选择，Enter 打开。');
      replace(results);
      return;
    }
    if (hits.length === 0) {
      const phoneLike = looksLikePhone(q);
      replace(status, `没有找到「${q.trim()}」。`);
      replace(results, h('div', { class: 'panel' },
        h('p', {}, phoneLike ? '这个手机号还没有档案，可能是新客户。' : '换个写法试试：手机号后四位、姓名或拼音首字母。'),
        may('customers.create') ? h('a', {
          class: 'button primary', id: 'create-from-search',
          href: `#/customers/new?${new URLSearchParams(phoneLike ? { phone: q.trim() } : { name: q.trim() })}`,
        }, phoneLike ? `为 ${q.trim()} 新建档案（Enter）` : '新建客户档案') : null));
      return;
    }
    replace(status, `找到 ${hits.length} 位客户${hits.length >= 20 ? '（只显示最接近的 20 位，请再多输入几个字）' : ''}`);
    const rows = hits.map((c, i) => h('tr', {
      dataset: { id: String(c.id) }, 'aria-selected': String(i === selected),
      onclick: () => { location.hash = `#/customers/${c.id}`; },
    },
    h('td', { class: 'name-cell' }, c.name),
    h('td', { class: 'phone' }, c.phone),
    h('td', {}, [GENDER[c.gender] || '', ageOn(c.birthday, todayText) != null ? ` ${ageOn(c.birthday, todayText)}岁` : ''].join('') || orDash('')),
    h('td', {}, orDash(c.channel)),
    h('td', {}, tagList(c.tags), memoList(c.memory_points))));
    replace(results, h('table', { class: 'list', role: 'listbox', 'aria-label': '搜索结果' },
      h('thead', {}, h('tr', {}, h('th', {}, '姓名'), h('th', {}, '手机号'), h('th', {}, '性别/年龄'), h('th', {}, '来源'), h('th', {}, '标签 · 记忆点'))),
      h('tbody', {}, rows)));
  };

  const runSearch = async () => {
    const q = input.value;
    const mine = ++seq;
    const found = q.trim() ? await call('customers.search', { q, limit: 20 }) : [];
    if (mine !== seq) return; // a newer keystroke already answered
    hits = found;
    selected = 0;
    show(q);
    history.replaceState(null, '', `#/customers${q.trim() ? `?q=${encodeURIComponent(q)}` : ''}`);
  };

  let timer = 0;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => runSearch().catch((e) => toast(e.message, 'error')), 90);
  });
  input.addEventListener('keydown', async (e) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); select(selected + 1); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); select(selected - 1); }
    else if (e.key === 'Enter') {
      e.preventDefault();
      clearTimeout(timer);
      if (seq === 0 || hits.length === 0) await runSearch();
      if (hits[selected]) location.hash = `#/customers/${hits[selected].id}`;
      else results.querySelector('#create-from-search')?.click();
    } else if (e.key === 'Escape') {
      input.value = '';
      runSearch();
    }
  });
  input.focus();
  if (initial) await runSearch(); else show('');
}

/**
 * The customer file.
 * @param {HTMLElement} main
 * @param {number} id
 */
/**
 * 家庭 (SPEC §8): the 星钻 customer whose family this is, or the family this
 * customer heads; linking asks for the head's phone.
 */
function familyPanel(file, id) {
  const panel = h('div', { class: 'panel', id: 'family-panel' });
  const link = async () => {
    const phone = await ask('设为家庭成员', '主卡客户（星钻）的手机号');
    if (!phone) return;
    try {
      const [head] = await call('customers.search', { q: phone.trim() });
      if (!head) { toast('没有找到这个手机号的客户', 'error'); return; }
      await call('customers.set_family', { customer_id: id, head_id: head.id });
      toast(`已设为 ${head.name} 的家庭成员`);
      location.reload();
    } catch (e) { toast(e.message, 'error'); }
  };
  const unlink = async () => {
    try {
      await call('customers.set_family', { customer_id: id, head_id: null });
      toast('已解除家庭关联');
      location.reload();
    } catch (e) { toast(e.message, 'error'); }
  };
  const person = (p) => h('a', { class: 'tag', href: `#/customers/${p.id}` }, `${p.name} ${p.phone}`);
  return replace(panel,
    h('h2', {}, '家庭 ', h('span', { class: 'hint' }, '主卡为星钻时，家庭成员开单享家庭价')),
    file.family_head
      ? h('p', {}, '家庭成员，主卡：', person(file.family_head), ' ', h('button', { type: 'button', class: 'link', id: 'family-unlink', onclick: unlink }, '解除'))
      : file.family.length
        ? h('p', {}, '主卡，家庭成员：', file.family.map(person))
        : h('p', {}, h('button', { type: 'button', id: 'family-link', onclick: link }, '设为家庭成员…')));
}

export async function renderFile(main, id) {
  const file = await call('customers.get', { id });
  const c = file.customer;
  const todayText = await today();
  const age = ageOn(c.birthday, todayText);
  const memoryPanel = h('div', { class: 'panel', id: 'memory-panel' });

  const renderMemory = (points) => {
    const input = h('input', { id: 'memory-input', type: 'text', autocomplete: 'off', placeholder: '例如：超级怕疼，打针前先敷麻' });
    replace(memoryPanel,
      h('h2', {}, '记忆点 ', h('span', { class: 'hint' }, '回访、接待前必看')),
      points.length === 0 ? h('p', { class: 'empty' }, '还没有记忆点。') : null,
      h('ul', { class: 'memory-list' }, points.map((m) => h('li', {},
        h('span', { class: 'text' }, m.text),
        h('span', { class: 'by' }, `${m.created_by} · ${m.created_at.slice(0, 10)}`),
        h('button', {
          type: 'button', class: 'link', 'aria-label': `删除记忆点：${m.text}`,
          onclick: async () => {
            try {
              await call('memory.remove', { id: m.id });
              renderMemory(points.filter((p) => p.id !== m.id));
            } catch (e) { toast(e.message, 'error'); }
          },
        }, '删除')))),
      h('form', {
        class: 'inline-form',
        onsubmit: async (e) => {
          e.preventDefault();
          try {
            const added = await call('memory.add', { customer_id: c.id, text: input.value });
            renderMemory([...points, added]);
            memoryPanel.querySelector('input')?.focus();
          } catch (err) { toast(err.message, 'error'); }
        },
      }, input, h('button', { type: 'submit' }, '添加')));
  };
  renderMemory(file.memory_points);
  const consumptionBox = h('div', { id: 'consumption-section' });
  const timelineBox = h('div', { id: 'timeline-section' });
  const tierBox = h('div', { id: 'tier-section' });
  const walletBox = h('div', { id: 'wallet-section' });
  const callsBox = h('div', { id: 'calls-section' });
  const appointmentsBox = h('div', { id: 'appointments-section' });
  const flagBox = h('div', { id: 'flag-section' });
  const facts = (pairs) => h('dl', { class: 'facts' }, pairs.map(([k, v, id]) => [h('dt', {}, k), h('dd', id ? { id } : {}, v)]));
  // In-page jumps: the file is long, the sections are named.
  const jump = (label, target) => h('a', { href: '#', class: 'jump', onclick: (e) => { e.preventDefault(); document.getElementById(target)?.scrollIntoView({ block: 'start' }); } }, label);

  replace(main,
    h('div', { class: 'page-head file-bar' },
      h('a', { href: '#/customers', class: 'button' }, '← 返回搜索'),
      h('nav', { class: 'jumps', 'aria-label': '档案各部分' },
        jump('疗程', 'consumption-section'), jump('预约', 'appointments-section'), jump('回访', 'calls-section'),
        jump('会员', 'tier-section'), jump('资料', 'profile-section'), jump('时间线', 'timeline-section')),
      h('span', { class: 'spacer' }),
      may('orders.create') ? h('a', { href: `#/customers/${c.id}/order`, class: 'button primary', id: 'new-order', title: 'Alt+K' }, '开单') : null,
      may('customers.update') ? h('a', { href: `#/customers/${c.id}/edit`, class: 'button', id: 'edit-customer' }, '编辑档案') : null),
    h('div', { class: 'panel' },
      h('div', { class: 'file-head' },
        h('span', { class: 'name', id: 'file-name' }, c.name),
        h('span', { class: 'meta phone', id: 'file-phone' }, c.phone),
        h('span', { class: 'meta' }, [GENDER[c.gender], age != null ? `${age}岁` : null, c.channel, c.consultant ? `顾问 ${c.consultant}` : null].filter(Boolean).join(' · ')),
        c.allergies ? h('span', { class: 'alert' }, `过敏：${c.allergies}`) : null,
        c.marketing_opt_out ? h('span', { class: 'alert' }, '不接受营销') : null),
      h('div', { style: 'margin-top:10px' }, tagList(c.tags))),
    flagBox,
    memoryPanel,
    consumptionBox,
    appointmentsBox,
    callsBox,
    walletBox,
    tierBox,
    h('div', { class: 'grid2', id: 'profile-section' },
      h('div', { class: 'panel' },
        h('h2', {}, '基本信息'),
        facts([
          ['生日', orDash(c.birthday)], ['来源渠道', orDash(c.channel)],
          ['推荐人', c.referrer_phone ? `${c.referrer_name}（${c.referrer_phone}）` : orDash('')],
          ['顾问', orDash(c.consultant)], ['备注', orDash(c.notes), 'file-notes'],
          ['建档', `${c.created_by} · ${c.created_at.slice(0, 10)}`], ['最近修改', `${c.updated_by} · ${c.updated_at.slice(0, 10)}`]])),
      h('div', { class: 'panel' },
        h('h2', {}, '皮肤档案'),
        facts([['肤质', orDash(c.skin_type)], ['过敏史', c.allergies ? h('span', { class: 'alert' }, c.allergies) : orDash('')], ['护理偏好', orDash(c.care_preferences)]]))),
    familyPanel(file, id),
    file.referred.length ? h('div', { class: 'panel' },
      h('h2', {}, `推荐的客户（${file.referred.length}）`),
      file.referred.map((r) => h('a', { class: 'tag', href: `#/customers/${r.id}` }, `${r.name} ${r.phone}`))) : null,
    timelineBox);
  const calls = () => renderCustomerCalls(callsBox, c.id, flagBox).catch((e) => toast(e.message, 'error'));
  // A session or a refund may make calls and move a tier: both panels follow.
  const consumption = () => renderConsumptionSection(consumptionBox, c.id, todayText, {
    timelineBox, changed: () => { calls(); renderTierPanels(tierBox, c.id).catch((e) => toast(e.message, 'error')); },
  });
  const afterEntitlement = () => Promise.all([consumption(), renderTierPanels(tierBox, c.id)]).then(() => {});
  await Promise.all([renderTierPanels(tierBox, c.id), renderWalletPanel(walletBox, c.id, afterEntitlement), consumption(), renderCustomerCalls(callsBox, c.id, flagBox),
    renderCustomerAppointments(appointmentsBox, c)]);
  if (!main.contains(document.activeElement) || document.activeElement === document.body) main.focus();
}

const FIELDS = [
  // key, label, input type, required, wide, placeholder
  ['name', '姓名', 'text', true, false, ''],
  ['phone', '手机号', 'tel', true, false, '11 位手机号'],
  ['gender', '性别', 'gender', false, false, ''],
  ['birthday', '生日', 'text', false, false, '如 1990-03-08 或 1990/3/8'],
  ['channel', '来源渠道', 'channel', false, false, '如 小红书、美团、老带新'],
  ['referrer_phone', '推荐人手机号', 'tel', false, false, '老客推荐时填写'],
  ['consultant', '顾问', 'consultant', false, false, ''],
  ['tags', '标签', 'text', false, false, '用逗号或顿号分隔，如 怕疼、敏感肌'],
  ['skin_type', '肤质', 'text', false, false, '如 混合偏油'],
  ['allergies', '过敏史', 'textarea', false, false, '如 利多卡因、酒精'],
  ['care_preferences', '护理偏好', 'textarea', false, false, ''],
  ['notes', '备注', 'textarea', false, true, ''],
];

function inputFor(key, type, placeholder, value, options) {
  const id = `f-${key}`;
  if (type === 'gender') {
    return h('select', { id, name: key }, [['', '未填'], ['F', '女'], ['M', '男']].map(([v, l]) => h('option', { value: v, selected: v === (value || '') ? 'selected' : null }, l)));
  }
  if (type === 'textarea') return h('textarea', { id, name: key, placeholder, value: value || '' });
  const list = type === 'consultant' ? 'consultant-options' : null;
  return h('input', { id, name: key, type: type === 'tel' ? 'tel' : 'text', placeholder, value: value || '', list, autocomplete: 'off' });
}

/**
 * The create/edit form.
 * @param {HTMLElement} main
 * @param {number|null} id null to create
 * @param {{phone?: string, name?: string}} [prefill]
 */
export async function renderForm(main, id, prefill = {}) {
  const [file, options, channelList] = await Promise.all([id ? call('customers.get', { id }) : null, call('customers.options'), call('channels.list')]);
  const c = file ? file.customer : { ...prefill, tags: [] };
  const errors = h('div', { id: 'form-errors', role: 'alert' });
  const values = { ...c, tags: (c.tags || []).join('、') };
  // 渠道 from the owner's list, as at the desk; a file's old channel stays as it is.
  const channel = typeahead({ id: 'f-channel', options: channelList.channels.map((ch) => ({ value: ch.name, text: ch.name, keys: ch.keys })), placeholder: '输入渠道或拼音首字母' });
  channel.input.value = values.channel || '';
  const fieldEls = FIELDS.map(([key, label, type, required, wide, placeholder]) =>
    h('div', { class: `field${wide ? ' wide' : ''}`, dataset: { field: key } },
      h('label', { for: `f-${key}` }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, '*') : null),
      key === 'channel' ? channel.el : inputFor(key, type, placeholder, values[key], options),
      h('div', { class: 'field-error', id: `err-${key}` })));
  const optOut = h('input', { type: 'checkbox', id: 'f-marketing_opt_out', name: 'marketing_opt_out', checked: Boolean(c.marketing_opt_out) });
  const form = h('form', { class: 'customer panel', novalidate: true },
    errors,
    h('div', { class: 'fields' }, fieldEls,
      h('div', { class: 'field check wide', dataset: { field: 'marketing_opt_out' } }, optOut,
        h('label', { for: 'f-marketing_opt_out' }, '不接受营销（不发节日问候、活动邀约；术后回访照常）'))),
    h('datalist', { id: 'consultant-options' }, options.consultants.map((v) => h('option', { value: v }))),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'save-customer' }, id ? '保存修改' : '建立档案'),
      h('a', { class: 'button', href: id ? `#/customers/${id}` : '#/customers' }, '取消'),
      h('span', { class: 'hint' }, 'Enter 保存 · Esc 取消')));

  const clearErrors = () => {
    replace(errors);
    form.querySelectorAll('.field').forEach((f) => f.classList.remove('has-error'));
    form.querySelectorAll('.field-error').forEach((e) => { e.textContent = ''; });
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors();
    const data = Object.fromEntries(new FormData(form).entries());
    const typedChannel = channel.input.value.trim();
    if (typedChannel && !channel.picked && typedChannel !== (c.channel || '')) {
      showProblems(form, errors, { problems: [{ column: 'channel', reason: `渠道「${typedChannel}」不在本店的渠道列表里：请从列表中选择（新渠道请院长在 设置 → 来源渠道 添加），或留空。` }] });
      return;
    }
    const draft = {
      ...data,
      channel: typedChannel,
      tags: data.tags ? [String(data.tags)] : [],
      marketing_opt_out: optOut.checked,
    };
    const button = /** @type {HTMLButtonElement} */ (form.querySelector('#save-customer'));
    button.disabled = true;
    try {
      const saved = await call(id ? 'customers.update' : 'customers.create', id ? { id, ...draft } : draft);
      toast(id ? '已保存修改' : `已为「${saved.customer.name}」建立档案`);
      location.hash = `#/customers/${saved.customer.id}`;
    } catch (err) {
      showProblems(form, errors, err);
    } finally {
      button.disabled = false;
    }
  });
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') location.hash = id ? `#/customers/${id}` : '#/customers';
    if (e.key === 'Enter' && e.target instanceof HTMLTextAreaElement && !e.ctrlKey) return;
    if (e.key === 'Enter' && e.ctrlKey) form.requestSubmit();
  });

  replace(main, h('div', { class: 'page-head' }, h('h1', {}, id ? `编辑档案：${c.name}` : '新建客户档案')), form);
  const first = /** @type {HTMLElement} */ (form.querySelector(prefill.name && !prefill.phone ? '#f-phone' : '#f-name'));
  first.focus();
}

/** Marks each problem's field and lists every problem on top. */
function showProblems(form, box, err) {
  const problems = err.problems && err.problems.length ? err.problems : [{ column: '', reason: err.message }];
  for (const p of problems) {
    const field = form.querySelector(`.field[data-field="${CSS.escape(p.column)}"]`);
    if (field) {
      field.classList.add('has-error');
      const msg = field.querySelector('.field-error');
      if (msg) msg.textContent = p.reason;
    }
  }
  replace(box, h('div', { class: 'form-errors' },
    h('strong', {}, problems.length > 1 ? `有 ${problems.length} 处需要改正：` : '需要改正：'),
    h('ul', {}, problems.map((p) => h('li', {}, p.reason)))));
  const firstBad = form.querySelector('.has-error input, .has-error select, .has-error textarea');
  if (firstBad instanceof HTMLElement) firstBad.focus();
}
