/**
 * 回访清单: the screen customer service lives in. Today's and overdue calls
 * grouped by customer, with memory points, allergies and the filled script in
 * front of the caller; each call is ticked off in two keystrokes: focus it
 * (↑/↓ or Tab) and press 1 接通, 2 未接通, 3 投诉/不良反应 or 4 改期; 5 约到院
 * books an appointment and closes the call as reached with it. After 1 接通
 * one more key gives the satisfaction score (1–5; Enter: none). A message
 * task (消息) shows the text to send: C copies it, 1 marks it sent.
 * The owner creates campaigns here; the day list prints.
 * A long list comes a page of customers at a time (the core's order and
 * counts are the whole list's); the next page follows when the caller gets
 * to the end of what is shown, or on 再显示.
 */
import { addDays, dateInput } from '../dates.js';
import { call, onChange } from '../api.js';
import { h, orDash, replace, toast } from '../dom.js';
import { yuan } from '../format.js';
import { SCHEMES } from './tiers.js';
import { openBookingDialog } from './appointments.js';
import { may } from '../session.js';

const OUTCOMES = [
  ['reached', '接通', '1'],
  ['no_answer', '未接通', '2'],
  ['escalate', '投诉/不良反应', '3'],
  ['reschedule', '改期', '4'],
];

/** A message task: sent, or moved to another day. */
const MESSAGE_OUTCOMES = [
  ['sent', '已发送', '1'],
  ['reschedule', '改期', '4'],
];

/** SPEC §9: 1 非常不满意 … 5 非常满意. */
export const SCORES = [[1, '非常不满意'], [2, '不满意'], [3, '一般'], [4, '满意'], [5, '非常满意']];

/** How an attempt reads in a customer's call history. */
export function attemptText(a) {
  const said = { reached: '接通', sent: '已发送', no_answer: '未接通', escalate: '投诉', reschedule: '改期' }[a.outcome] || a.outcome;
  return `${a.on_date} ${a.by}：${said}${a.score ? ` · 满意度 ${a.score} 分` : ''}${a.note ? `（${a.note}）` : ''}`;
}

/** Copies text to the clipboard; a page without clipboard access selects it instead. */
async function copyText(text, fallback) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const range = document.createRange();
    range.selectNodeContents(fallback);
    const sel = window.getSelection();
    sel?.removeAllRanges();
    sel?.addRange(range);
    return document.execCommand?.('copy') ?? false;
  }
}

/**
 * @param {HTMLElement} main
 * @param {URLSearchParams} query
 */
export async function renderCallbacks(main, query, shown = 0) {
  const filters = { kind: query.get('kind') || '', consultant: query.get('consultant') || '', membership: query.get('membership') || '' };
  replace(main, h('h1', {}, '回访清单'), h('p', { class: 'progress' }, '正在整理今天的回访…'));
  const ask = { ...filters, date: query.get('date') || '' };
  // A list refreshed after a change on another desk keeps as many customers as were shown.
  const [data, staff] = await Promise.all([call('callbacks.checklist', shown ? { ...ask, size: shown } : ask), call('staff.list')]);
  const go = (changes) => {
    const q = new URLSearchParams({ ...filters, ...changes });
    for (const [k, v] of [...q.entries()]) if (!v) q.delete(k);
    location.hash = `#/callbacks?${q}`;
  };
  const reload = () => go({});

  const record = async (task, outcome, card, score = null) => {
    const note = /** @type {HTMLInputElement} */ (card.querySelector('.call-note'));
    let to = null;
    if (outcome === 'escalate' && !note.value.trim()) {
      note.focus();
      toast('投诉或不良反应请先在备注里写明情况', 'error');
      return;
    }
    if (outcome === 'reschedule') {
      const picker = /** @type {HTMLInputElement} */ (card.querySelector('.call-to'));
      picker.hidden = false;
      if (!picker.value) { picker.value = addDays(data.date, 1); picker.focus(); toast('请选择改期日期，再按一次「改期」'); return; }
      to = picker.value;
    }
    try {
      const t = await call('callbacks.complete', { id: task.id, outcome, note: note.value, to, score });
      const scored = score ? `，满意度 ${score} 分${score <= 2 ? '（已提醒医生和院长）' : ''}` : '';
      const done = { reached: `已接通${scored}`, sent: '消息已发送', unreachable: '三次未接通，已关闭', escalate: '已上报医生和院长', open: outcome === 'no_answer' ? '未接通，明天再打' : `已改期到 ${t.next_on}` };
      toast(`${task.name}：${done[t.status] || '已登记'}（Ctrl+Z 撤销）`);
      finish(task, card, `${done[t.status] || '已登记'}${note.value.trim() ? `：${note.value.trim()}` : ''}`, true);
    } catch (err) { toast(err.message, 'error'); }
  };

  // Finished cards keep what was said; the last ones can be taken back.
  const taken = [];
  let finished = 0;
  const summaryText = () => `${data.date} · 还剩 ${data.calls - finished} 通 / 共 ${data.calls} 通${data.overdue ? `，其中逾期 ${data.overdue} 通` : ''}`;
  const summary = () => {
    const el = main.querySelector('#callbacks-summary');
    if (el) el.textContent = summaryText();
  };
  const finish = (task, card, said, undoable) => {
    const saved = [...card.childNodes];
    card.classList.add('done');
    const undo = undoable ? h('button', { type: 'button', class: 'link undo-call', onclick: () => takeBack(task, card, saved) }, '撤销') : null;
    card.replaceChildren(h('div', { class: 'done-line' }, h('span', { class: 'hint' }, `${task.kind_label} · `), h('span', { class: 'said' }, said), ' ', undo));
    if (undoable) taken.push([task, card, saved]);
    finished += 1;
    summary();
    const next = card.parentElement?.parentElement?.nextElementSibling?.querySelector('.call:not(.done)');
    if (next instanceof HTMLElement) { next.focus(); return; }
    // The end of what is shown: the next customers, or back to a call left open above.
    const shownBefore = shownCustomers();
    loadMore().then(() => {
      const after = main.querySelectorAll('#checklist > .customer-calls')[shownBefore]?.querySelector('.call:not(.done)') || main.querySelector('.call:not(.done)');
      if (after instanceof HTMLElement) after.focus();
    }).catch((err) => toast(err.message, 'error'));
  };
  const takeBack = async (task, card, saved) => {
    try {
      await call('callbacks.undo', { id: task.id });
      const i = taken.findIndex(([t]) => t.id === task.id);
      if (i >= 0) taken.splice(i, 1);
      card.classList.remove('done');
      finished -= 1;
      delete card.dataset.scoring;
      card.replaceChildren(...saved);
      const scoreRow = card.querySelector('.score-row');
      if (scoreRow instanceof HTMLElement) scoreRow.hidden = true;
      summary();
      card.focus();
      toast(`${task.name}：已撤销，可重新登记`);
    } catch (err) { toast(err.message, 'error'); }
  };
  main.onkeydown = (e) => {
    if ((e.ctrlKey || e.metaKey) && (e.key === 'z' || e.key === 'Z') && !(e.target instanceof HTMLInputElement) && taken.length) {
      e.preventDefault();
      const [task, card, saved] = taken[taken.length - 1];
      takeBack(task, card, saved);
    }
  };

  /** The call ends in a booked visit: the dialog closes the task with it. */
  const bookFrom = async (task, card) => {
    const purpose = { post_treatment: '复查', repurchase: '治疗' }[task.kind] || '咨询';
    const note = /** @type {HTMLInputElement} */ (card.querySelector('.call-note'));
    const a = await openBookingDialog({ customer: { id: task.customer_id, name: task.name, phone: task.phone }, taskId: task.id, purpose, itemName: task.items[0], note: note?.value || '' });
    if (!a) { card.focus(); return; }
    finish(task, card, `已接通，约到 ${a.date} ${a.start} ${a.purpose}`, false);
  };

  const callCard = (c) => {
    const message = c.channel === 'message';
    const outcomes = message ? MESSAGE_OUTCOMES : OUTCOMES;
    const card = h('div', {
      class: `call${message ? ' message' : ''}`, tabindex: '0', dataset: { task: String(c.id), kind: c.kind, channel: c.channel },
      'aria-label': message ? `${c.name} ${c.kind_label}（发消息），按 C 复制内容、1 已发送、4 改期、N 写备注` : `${c.name} ${c.kind_label}，按 1 接通（再按 1–5 打满意度）、2 未接通、3 投诉、4 改期、N 写备注`,
    });
    const note = h('input', { class: 'call-note', type: 'text', placeholder: '备注（按 N；投诉必填）', 'aria-label': '回访备注' });
    const to = dateInput({ min: addDays(data.date, 1), label: '改期到' });
    to.classList.add('call-to');
    to.hidden = true;
    const script = h('p', { class: message ? 'script message-text' : 'script' }, c.script);
    const copy = async () => {
      const ok = await copyText(c.script, script);
      card.dataset.copied = 'true';
      toast(ok ? '已复制，去微信或短信粘贴发送；发完按 1 标记已发送' : '已选中内容，请按 Ctrl+C 复制');
    };
    // 接通 asks for the score with one more key; Enter or the button 不评分 skips it.
    const scoreRow = h('div', { class: 'score-row', hidden: true, role: 'group', 'aria-label': '满意度' },
      h('span', { class: 'hint' }, '满意度：'),
      SCORES.map(([n, label]) => h('button', { type: 'button', class: n <= 2 ? 'score low' : 'score', dataset: { score: String(n) }, onclick: () => record(c, 'reached', card, n) },
        h('kbd', {}, String(n)), ` ${label}`)),
      h('button', { type: 'button', class: 'link', onclick: () => record(c, 'reached', card) }, '不评分 ', h('kbd', {}, 'Enter')));
    const askScore = () => { scoreRow.hidden = false; card.dataset.scoring = 'true'; card.focus(); };
    const choose = (outcome) => (outcome === 'reached' ? askScore() : record(c, outcome, card));
    card.addEventListener('keydown', (e) => {
      if (e.target instanceof HTMLInputElement) {
        if (e.key === 'Enter') { e.preventDefault(); if (e.target === to) record(c, 'reschedule', card); else if (message) record(c, 'sent', card); else askScore(); }
        if (e.key === 'Escape') { e.preventDefault(); card.focus(); }
        return;
      }
      if (e.key === 'n' || e.key === 'N') { e.preventDefault(); note.focus(); return; }
      if (card.dataset.scoring === 'true') {
        if (/^[1-5]$/.test(e.key)) { e.preventDefault(); record(c, 'reached', card, Number(e.key)); return; }
        if (e.key === 'Enter') { e.preventDefault(); record(c, 'reached', card); return; }
        if (e.key === 'Escape') { e.preventDefault(); scoreRow.hidden = true; delete card.dataset.scoring; return; }
      }
      if (message && (e.key === 'c' || e.key === 'C')) { e.preventDefault(); copy(); return; }
      const o = outcomes.find(([, , key]) => key === e.key);
      if (o) { e.preventDefault(); choose(o[0]); }
      if (e.key === '5' && !message) { e.preventDefault(); bookFrom(c, card).catch((err) => toast(err.message, 'error')); }
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const all = [...document.querySelectorAll('.call:not(.done)')];
        const i = all.indexOf(card);
        const target = all[i + (e.key === 'ArrowDown' ? 1 : -1)];
        if (target instanceof HTMLElement) target.focus();
        else if (e.key === 'ArrowDown') {
          loadMore().then(() => { const n = [...document.querySelectorAll('.call:not(.done)')][i + 1]; if (n instanceof HTMLElement) n.focus(); })
            .catch((err) => toast(err.message, 'error'));
        }
      }
    });
    card.append(...[
      h('div', { class: 'call-head' },
        h('span', { class: `kind-badge ${c.kind}` }, c.kind_label),
        message ? h('span', { class: 'channel-badge' }, '发消息') : null,
        c.purpose && c.purpose !== c.kind_label ? h('strong', {}, c.purpose) : null,
        c.items.length ? h('span', {}, c.items.join('、')) : null,
        h('span', { class: 'spacer' }),
        c.overdue_days > 0 ? h('span', { class: 'alert' }, `逾期 ${c.overdue_days} 天`) : h('span', { class: 'hint' }, `应回访 ${c.due}`),
        c.attempts ? h('span', { class: 'hint' }, `已拨 ${c.attempts} 次`) : null),
      c.packages?.length ? h('ul', { class: 'package-left' }, c.packages.map((p) => h('li', {},
        h('strong', {}, p.item), ` 剩 ${p.left}/${p.sessions} 次 · 未耗 ${yuan(p.value_left)} · `,
        p.last_session ? `上次划扣 ${p.last_session}` : '还没有划扣过'))) : null,
      script,
      h('div', { class: 'call-actions' },
        message ? h('button', { type: 'button', class: 'copy-message', onclick: copy }, '复制内容 ', h('kbd', {}, 'C')) : null,
        outcomes.map(([key, label, k]) => h('button', {
          type: 'button', class: key === 'reached' || key === 'sent' ? 'primary' : key === 'escalate' ? 'danger' : '',
          dataset: { outcome: key }, onclick: () => choose(key),
        }, label, ' ', h('kbd', {}, k))),
        message ? null : h('button', { type: 'button', class: 'book-from-call', onclick: () => bookFrom(c, card).catch((err) => toast(err.message, 'error')) }, '约到院 ', h('kbd', {}, '5')),
        note, to),
      scoreRow].filter(Boolean));
    return card;
  };

  const consultants = [...new Set(staff.filter((s) => s.role === 'consultant').map((s) => s.name))];
  const select = (id, label, value, options, key) => h('select', { id, 'aria-label': label, onchange: (e) => go({ [key]: e.target.value }) },
    h('option', { value: '' }, `${label}：全部`), options.map(([v, l]) => h('option', { value: v, selected: v === value ? 'selected' : null }, l)));

  const customerSection = (g) => h('section', { class: `panel customer-calls${g.flagged ? ' flagged' : ''}`, dataset: { customer: String(g.customer_id) } },
    h('div', { class: 'file-head' },
      h('a', { class: 'name', href: `#/customers/${g.customer_id}` }, g.name),
      h('a', { class: 'meta phone', href: `tel:${g.phone}` }, g.phone),
      g.consultant ? h('span', { class: 'meta' }, `顾问 ${g.consultant}`) : null,
      g.flagged ? h('span', { class: 'alert' }, '有未处理的投诉/不良反应') : null),
    g.memory_points.length ? h('div', { class: 'memo-strip' }, '记忆点：', g.memory_points.map((m) => h('span', { class: 'memo' }, m))) : null,
    g.allergies ? h('div', { class: 'memo-strip' }, '过敏史：', h('span', { class: 'alert' }, g.allergies)) : null,
    g.reminders.length ? h('div', { class: 'memo-strip call-reminders' }, '提醒：', g.reminders.map((r) => h('span', { class: 'alert reminder' }, r))) : null,
    h('div', { class: 'calls' }, g.calls.map((c) => callCard({ ...c, name: g.name, phone: g.phone, customer_id: g.customer_id }))));

  // The customers not shown yet: one more page on 再显示 or at the end of the list, all of them to print.
  let more = data.more;
  const shownCustomers = () => main.querySelectorAll('#checklist > .customer-calls').length;
  const moreButton = h('button', { type: 'button', id: 'checklist-more', onclick: () => loadMore().catch((err) => toast(err.message, 'error')) });
  const moreBar = h('div', { class: 'more-bar', hidden: !more }, moreButton);
  const showMoreLabel = () => {
    moreBar.hidden = !more;
    moreButton.textContent = `再显示 ${Math.min(more, data.page)} 位客户（还有 ${more} 位，共 ${data.customers} 位）`;
  };
  showMoreLabel();
  let loading = null;
  const loadMore = (all = false) => {
    if (!more) return Promise.resolve();
    loading ||= (async () => {
      moreButton.disabled = true;
      moreButton.textContent = all ? `正在整理其余 ${more} 位客户…` : '正在加载…';
      try {
        const shownIds = [...main.querySelectorAll('#checklist > .customer-calls')].map((el) => Number(/** @type {HTMLElement} */ (el).dataset.customer));
        const page = await call('callbacks.checklist', { ...ask, date: data.date, shown: shownIds, ...(all ? { size: 0 } : {}) });
        main.querySelector('#checklist')?.append(...page.groups.map(customerSection));
        more = page.more;
      } finally {
        moreButton.disabled = false;
        showMoreLabel();
        loading = null;
      }
    })();
    return loading;
  };
  const printAll = async () => {
    try {
      await loadMore(true);
      window.print();
    } catch (err) { toast(err.message, 'error'); }
  };

  replace(main,
    h('div', { class: 'page-head' },
      h('h1', {}, '回访清单'),
      h('span', { class: 'hint', id: 'callbacks-summary' }, summaryText()),
      h('span', { class: 'spacer' }),
      h('button', { type: 'button', onclick: printAll }, '打印今日清单')),
    h('div', { class: 'filters' },
      select('cb-kind', '类型', filters.kind, data.kinds.map((k) => [k.key, k.label]), 'kind'),
      select('cb-consultant', '顾问', filters.consultant, consultants.map((n) => [n, n]), 'consultant'),
      select('cb-membership', '会员等级', filters.membership, SCHEMES.membership[1], 'membership'),
      h('span', { class: 'hint' }, '选中一通回访后按 1 接通（再按 1–5 打满意度）· 2 未接通 · 3 投诉 · 4 改期 · 5 约到院 · N 写备注；消息按 C 复制、1 已发送；↑↓ 切换 · Ctrl+Z 撤销刚登记的')),
    data.groups.length
      ? h('div', { id: 'checklist' }, data.groups.map(customerSection))
      : h('div', { class: 'panel empty', id: 'checklist-empty' }, '今天的回访都完成了。'),
    moreBar,
    h('div', { id: 'campaign-box' }));
  const first = main.querySelector('.call');
  if (first instanceof HTMLElement) first.focus();
  // A call ticked off or made on another desk: the list follows, unless a
  // note or a field is being filled in here.
  const list = main.querySelector('#checklist, #checklist-empty');
  let pending = null;
  const stop = onChange(() => {
    if (!list || !document.body.contains(list)) { stop(); return; }
    clearTimeout(pending);
    pending = setTimeout(() => {
      const typing = [...main.querySelectorAll('input, textarea')].some((f) => f === document.activeElement || (f instanceof HTMLTextAreaElement && f.value.trim()));
      if (!typing && document.body.contains(list)) { stop(); renderCallbacks(main, query, shownCustomers() > data.page ? shownCustomers() : 0).catch(() => {}); }
    }, 200);
  });
  // Campaigns are the owner's: the others' list has no campaign form to fill in for nothing.
  if (may('campaigns.create')) renderCampaignBox(/** @type {HTMLElement} */ (main.querySelector('#campaign-box')), data.date, reload).catch(() => {});
}

async function renderCampaignBox(box, today, reload) {
  const [campaigns, { templates }] = await Promise.all([call('campaigns.list'), call('templates.list')]);
  const name = h('input', { id: 'campaign-name', type: 'text', placeholder: '如 中秋问候、双十二到院礼', autocomplete: 'off' });
  const date = dateInput({ id: 'campaign-date', min: today, value: today });
  const script = h('input', { id: 'campaign-script', type: 'text', placeholder: '话术（可用 {姓名}），可不填', autocomplete: 'off' });
  const seg = Object.fromEntries(Object.entries(SCHEMES).map(([scheme, [label, labels]]) => [scheme, h('select', { id: `campaign-${scheme}`, 'aria-label': label },
    h('option', { value: '' }, `${label}：全部`), labels.map(([k, l]) => h('option', { value: k }, l)))]));
  const tag = h('input', { id: 'campaign-tag', type: 'text', placeholder: '标签，可不填', autocomplete: 'off' });
  const reminder = h('select', { id: 'campaign-reminder', 'aria-label': '到期提醒' },
    [['', '到期提醒：不限'], ['points_lapsing', '积分 30 天内到期'], ['vouchers_lapsing', '券 14 天内到期']].map(([v, l]) => h('option', { value: v }, l)));
  const face = h('input', { id: 'campaign-voucher-face', type: 'text', inputmode: 'decimal', placeholder: '送券面额，可不填', autocomplete: 'off' });
  const threshold = h('input', { id: 'campaign-voucher-threshold', type: 'text', inputmode: 'decimal', placeholder: '满多少可用', autocomplete: 'off' });
  const template = h('select', { id: 'campaign-template', 'aria-label': '消息模板' },
    h('option', { value: '' }, '打电话（不用模板）'), templates.map((t) => h('option', { value: t.key }, `发消息：${t.title}`)));
  const preview = h('p', { class: 'script message-text', id: 'campaign-template-text', hidden: true });
  template.addEventListener('change', () => {
    const t = templates.find((x) => x.key === template.value);
    preview.hidden = !t;
    preview.textContent = t ? t.text : '';
    script.placeholder = t ? '不填就用模板的内容' : '话术（可用 {姓名}），可不填';
  });
  const clean = (t) => String(t || '').replace(/[,，¥￥\s]/g, '');
  const form = h('form', {
    class: 'inline-panel', novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      try {
        const r = await call('campaigns.create', {
          name: name.value, date: date.value, script: script.value,
          segment: { membership: seg.membership.value || null, layer: seg.layer.value || null, trust: seg.trust.value || null, tag: tag.value || null, reminder: reminder.value || null },
          voucher: clean(face.value) ? { face: clean(face.value), threshold: clean(threshold.value) || null } : null,
          template: template.value || null,
        });
        toast(`已为 ${r.tasks} 位客户生成${template.value ? '发消息' : '回访'}任务（不接受营销的客户已跳过）${r.vouchers ? `，发券 ${r.vouchers} 张` : ''}`);
        reload();
      } catch (err) { toast(err.message, 'error'); }
    },
  }, name, date, seg.membership, seg.layer, seg.trust, tag, reminder, template, script, face, threshold, h('button', { type: 'submit', class: 'primary', id: 'campaign-save' }, '生成回访任务'), preview);
  replace(box, h('details', { class: 'panel' },
    h('summary', {}, `节日问候 / 活动邀约（院长）${campaigns.length ? ` · 已建 ${campaigns.length} 个` : ''}`),
    h('p', { class: 'hint' }, '选出一群客户，在活动日期那天生成回访任务；选了消息模板（春节、中秋、生日…，在 设置 里修改），任务就是发消息：复制个性化内容发微信或短信，再标记已发送。填了面额，这群客户每人还会收到一张券（老顾客专享券，活动当天起有效）。'),
    form,
    campaigns.length ? h('ul', {}, campaigns.map((c) => h('li', {}, `${c.date} ${c.name}：${c.tasks} 位（${c.created_by}）`))) : null));
}

/**
 * The follow-up part of a customer file: open flags and the calls.
 * @param {HTMLElement} box
 * @param {number} customerId
 * @param {HTMLElement} [flagBox] where open flags show (the top of the file)
 */
export async function renderCustomerCalls(box, customerId, flagBox = box) {
  const data = await call('callbacks.customer', { customer_id: customerId });
  const reload = () => renderCustomerCalls(box, customerId, flagBox).catch((e) => toast(e.message, 'error'));
  replace(flagBox,
    data.flags.length ? h('div', { class: 'panel flag-panel', id: 'flag-panel' },
      h('h2', {}, '待处理：投诉 / 不良反应'),
      data.flags.map((f) => h('div', { class: 'flag' },
        h('span', { class: 'alert' }, f.note || '（无说明）'), h('span', { class: 'hint' }, ` ${f.by} · ${f.at.slice(0, 10)} `),
        h('button', { type: 'button', onclick: async () => { try { await call('flags.resolve', { id: f.id }); await reload(); } catch (e) { toast(e.message, 'error'); } } }, '已处理')))) : null);
  const calls = h('div', { class: 'panel', id: 'calls-panel' },
      h('h2', {}, '回访记录'),
      data.tasks.length
        ? h('table', { class: 'list' },
          h('thead', {}, h('tr', {}, ['应回访', '类型', '项目', '状态', '记录'].map((t) => h('th', {}, t)))),
          h('tbody', {}, data.tasks.slice(0, 30).map((t) => h('tr', {},
            h('td', { class: 'phone' }, t.due), h('td', {}, t.kind_label), h('td', {}, orDash(t.items.join('、'))),
            h('td', {}, t.status_label), h('td', { class: 'hint' }, t.history.map(attemptText).join('；'))))))
        : h('p', { class: 'empty' }, '还没有回访任务。'));
  if (flagBox === box) box.append(calls); else replace(box, calls);
}

/**
 * The follow-up plans in 设置 (owner): each step a call or a message; a save
 * may also move the open calls not yet due (with a preview of how many).
 * @param {HTMLElement} panel
 */
export async function renderPlansPanel(panel) {
  const [{ plans, items, package_days: packageDays }, { templates }] = await Promise.all([call('plans.list'), call('templates.list')]);
  const editor = (plan) => {
    const rows = h('tbody', {});
    const addRow = (st = { offset: '', purpose: '', script: '', channel: 'call' }) => {
      const channel = h('select', { class: 'step-channel', 'aria-label': '方式' },
        [['call', '电话'], ['message', '消息']].map(([v, l]) => h('option', { value: v, selected: v === (st.channel || 'call') ? 'selected' : null }, l)));
      const script = h('input', { class: 'step-script', type: 'text', value: st.script, 'aria-label': '话术或消息内容' });
      const fill = h('select', { class: 'step-template', 'aria-label': '用模板' },
        h('option', { value: '' }, '用模板…'), templates.map((t) => h('option', { value: t.key }, t.title)));
      fill.addEventListener('change', () => {
        const t = templates.find((x) => x.key === fill.value);
        if (t) { script.value = t.text; channel.value = 'message'; }
        fill.value = '';
      });
      const tr = h('tr', {},
        h('td', { style: 'width:90px' }, h('input', { class: 'step-offset', type: 'number', min: '1', value: String(st.offset), 'aria-label': '第几天' })),
        h('td', { style: 'width:80px' }, channel),
        h('td', { style: 'width:180px' }, h('input', { class: 'step-purpose', type: 'text', value: st.purpose, 'aria-label': '目的' })),
        h('td', {}, script),
        h('td', { style: 'width:110px' }, fill),
        h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => tr.remove() }, '删除')));
      rows.append(tr);
    };
    plan.steps.forEach(addRow);
    const steps = () => [...rows.querySelectorAll('tr')].map((tr) => ({
      offset: Number(tr.querySelector('.step-offset').value), purpose: tr.querySelector('.step-purpose').value,
      script: tr.querySelector('.step-script').value, channel: tr.querySelector('.step-channel').value,
    }));
    const move = h('input', { type: 'checkbox', class: 'plan-move' });
    const moveHint = h('span', { class: 'hint plan-move-preview' });
    move.addEventListener('change', async () => {
      moveHint.textContent = '';
      if (!move.checked) return;
      try {
        const m = await call('plans.preview', { scope: plan.scope, steps: steps() });
        moveHint.textContent = m.moved || m.added || m.kept
          ? `将改期 ${m.moved} 通、新增 ${m.added} 通、按新内容更新 ${m.kept} 通（已完成、已逾期的不变）`
          : '没有尚未到期的待回访会受影响';
      } catch (e) { move.checked = false; toast(e.message, 'error'); }
    });
    return h('details', { class: 'plan', dataset: { scope: plan.scope } },
      h('summary', {}, `${plan.label}：第 ${plan.steps.map((x) => `${x.offset}${x.channel === 'message' ? '（消息）' : ''}`).join('、')} 天`),
      h('table', { class: 'list' }, h('thead', {}, h('tr', {}, ['第几天', '方式', '目的', '话术或消息内容（可用 {姓名} {项目} {天数}）', '', ''].map((t) => h('th', {}, t)))), rows),
      h('div', { class: 'actions' },
        h('button', { type: 'button', onclick: () => addRow() }, '+ 加一步'),
        h('label', { class: 'inline-check' }, move, '同时调整尚未到期的待回访'), moveHint,
        h('button', {
          type: 'button', class: 'primary',
          onclick: async () => {
            try {
              const r = await call('plans.save', { scope: plan.scope, steps: steps(), move_open: move.checked });
              toast(move.checked ? `回访方案已保存：改期 ${r.moved.moved} 通，新增 ${r.moved.added} 通` : '回访方案已保存（已生成的任务不变）');
              await renderPlansPanel(panel);
            } catch (e) { toast(e.message, 'error'); }
          },
        }, '保存方案')));
  };
  const itemSelect = h('select', { id: 'plan-item', 'aria-label': '为单个项目设方案' }, h('option', { value: '' }, '为单个项目设专属方案…'), items.map((i) => h('option', { value: String(i.id) }, i.name)));
  itemSelect.addEventListener('change', () => {
    if (!itemSelect.value) return;
    const label = itemSelect.selectedOptions[0].textContent;
    panel.querySelector('.plans')?.append(editor({ scope: `item:${itemSelect.value}`, label: `项目：${label}`, steps: plans[0].steps }));
  });
  const days = h('input', { id: 'package-days', type: 'number', min: '7', max: '365', value: String(packageDays), style: 'width:90px' });
  replace(panel,
    h('h2', {}, '回访方案'),
    h('p', { class: 'hint' }, '执行项目后按方案生成术后回访：项目专属方案优先，其次按类别。每一步可以是打电话，也可以是发消息（如第 3 天发护理视频：回访清单里显示个性化内容，复制后发微信或短信，再标记已发送）。修改方案默认只影响之后的执行；勾选「同时调整」会把尚未到期的待回访改到新方案的日期。只有院长可以保存。'),
    h('div', { class: 'plans' }, plans.map(editor)),
    h('div', { class: 'actions' }, itemSelect),
    h('form', {
      class: 'fields', id: 'package-days-form',
      onsubmit: async (e) => {
        e.preventDefault();
        try { await call('plans.package_days', { days: Number(days.value) }); toast(`疗程邀约间隔已改为 ${days.value} 天`); } catch (err) { toast(err.message, 'error'); }
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'package-days' }, '疗程邀约：疗程还有剩余次数、多少天没来做就打电话'), days),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, '保存间隔'))));
}

/**
 * The owner's message templates (节日问候、关怀) in 设置.
 * @param {HTMLElement} panel
 */
export async function renderTemplatesPanel(panel) {
  const { templates, placeholders } = await call('templates.list');
  const row = (t) => {
    const title = h('input', { type: 'text', class: 'template-title', value: t.title, 'aria-label': '模板名称', placeholder: '新模板，如 店庆', style: 'width:140px' });
    const text = h('textarea', { class: 'template-text', rows: '2', 'aria-label': `${t.title || '新模板'}内容`, placeholder: '写一条新的消息模板，如 {姓名}您好，本院十周年店庆…' }, t.text);
    return h('div', { class: 'template-row', dataset: { key: t.key } },
      title, text,
      h('button', {
        type: 'button', class: 'primary',
        onclick: async () => {
          try { await call('templates.save', { key: t.key || null, title: title.value, text: text.value }); toast(`模板「${title.value}」已保存`); await renderTemplatesPanel(panel); } catch (e) { toast(e.message, 'error'); }
        },
      }, '保存'));
  };
  replace(panel,
    h('h2', {}, '消息模板（节日问候 · 关怀）'),
    h('p', { class: 'hint' }, `在 回访清单 创建活动时选用模板，任务就是发消息；生日关怀电话也用「生日」模板的话术。可用占位符：${placeholders.join(' ')}`),
    h('div', { id: 'templates' }, templates.map(row), row({ key: '', title: '', text: '' })));
}
