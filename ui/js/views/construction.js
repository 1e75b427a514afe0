/**
 * Screens whose capability has not landed yet say so plainly; nothing here
 * pretends to work.
 */
import { h, replace } from '../dom.js';

const SCREENS = {
  triage: ['前台分诊', '到院登记、分诊给咨询师、今日到院看板（等待、咨询中、治疗中、已离院），以及成交/未成交标记。'],
  consumption: ['消费档案', '开单、收款、划扣（执行）、退款与作废记录，疗程剩余次数和完整时间线。'],
  callbacks: ['回访清单', '今日与逾期的回访任务、话术与记忆点，一键记录回访结果。'],
  reports: ['经营报表', '月度留存率、老客消费占比、回访完成率等指标，趋势图与 Excel 导出。'],
};

/** @param {HTMLElement} main @param {string} route */
export function renderConstruction(main, route) {
  const [title, what] = SCREENS[route] || ['此页面', ''];
  replace(main,
    h('h1', {}, title),
    h('div', { class: 'construction panel' },
      h('div', { class: 'badge' }, '建设中'),
      h('p', {}, `「${title}」功能正在建设中，尚不可用。`),
      what ? h('p', {}, `上线后这里将提供：${what}`) : null,
      h('p', {}, '现在可以使用：', h('a', { href: '#/customers' }, '客户档案'), '（查找、新建、编辑客户）和 ', h('a', { href: '#/settings' }, '设置'), '（员工账号、导入客户）。'),
    ),
  );
}
