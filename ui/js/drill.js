/**
 * The customers behind a figure (经营报表, 经营分析): the list, and the two
 * things an owner does next with it — take it to Excel (导出名单), or have
 * customer service call exactly these people (生成回访任务).
 */
import { call } from './api.js';
import { h, replace, saveExport, toast } from './dom.js';
import { may } from './session.js';

const SHOWN = 500;

/**
 * @param {HTMLElement} box where the list goes
 * @param {{title: string, list: {total: number, customers: any[]}, exportCmd: string, exportArgs: object, today: string, id: string}} spec
 */
export function showDrill(box, spec) {
  const { title, list } = spec;
  const status = h('p', { class: 'hint', id: `${spec.id}-status`, role: 'status' });
  const exportList = async () => {
    try {
      const out = await call(spec.exportCmd, spec.exportArgs);
      saveExport({ ...out, filename: `${title.replace(/[\\/:*?"<>|，。（）]/g, '')}.csv` });
      toast(`已导出名单（${out.total} 位）`);
    } catch (e) { toast(e.message, 'error'); }
  };
  // A campaign of exactly these customers, due today, on the call list.
  const makeCalls = async () => {
    const name = title.length > 30 ? `${title.slice(0, 30)}…` : title;
    try {
      const made = await call('campaigns.create', {
        name, date: spec.today, segment: { customers: list.customers.map((c) => c.id) }, script: null, voucher: null, template: null,
      });
      const skipped = list.total - made.tasks;
      replace(status, `已生成 ${made.tasks} 通回访任务，今天的回访清单里可见${skipped > 0 ? `；另有 ${skipped} 位不接受营销，未生成` : ''}。`,
        ' ', h('a', { href: '#/callbacks?kind=campaign' }, '去回访清单'));
      generate.disabled = true;
      toast(`已生成 ${made.tasks} 通回访任务`);
    } catch (e) { toast(e.message, 'error'); }
  };
  const generate = h('button', { type: 'button', class: 'primary', id: `${spec.id}-calls`, onclick: makeCalls }, '生成回访任务');
  replace(box, h('div', { class: 'panel drill' },
    h('div', { class: 'page-head' }, h('h2', {}, `${title}（${list.total} 位）`), h('span', { class: 'spacer' }),
      list.total ? h('button', { type: 'button', id: `${spec.id}-export`, onclick: exportList }, '导出名单') : null,
      list.total && may('campaigns.create') ? generate : null,
      h('button', { type: 'button', onclick: () => replace(box) }, '收起')),
    status,
    list.total ? h('table', { class: 'list', id: `${spec.id}-table` },
      h('thead', {}, h('tr', {}, ['姓名', '手机号', '来源渠道', '顾问'].map((t) => h('th', {}, t)))),
      h('tbody', {}, list.customers.slice(0, SHOWN).map((c) => h('tr', { onclick: () => { location.hash = `#/customers/${c.id}`; } },
        h('td', { class: 'name-cell' }, c.name), h('td', { class: 'phone' }, c.phone), h('td', {}, c.channel || '未填'), h('td', {}, c.consultant || '未填'))))) : h('p', { class: 'empty' }, '没有客户。'),
    list.total > SHOWN ? h('p', { class: 'hint' }, `只列出前 ${SHOWN} 位；导出名单和生成回访任务包括全部 ${list.total} 位。`) : null));
  box.scrollIntoView({ block: 'start' });
}
