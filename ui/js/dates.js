/**
 * Date and month fields in Chinese, the same in every browser and in the
 * desktop window (a native date input shows mm/dd/yyyy or English month
 * names wherever the system is not set to Chinese). A plain text field that
 * takes what staff type — 2026-11-24, 2026/11/24, 2026年11月24日, 11-24,
 * 1124 — and keeps its value as 2026-11-24; ↑/↓ move a day (a month for a
 * month field), PageUp/PageDown a month (a year); a small calendar opens
 * under it on a click or Alt+↓.
 */
import { h, replace } from './dom.js';

const pad = (n) => String(n).padStart(2, '0');
const WEEK = ['日', '一', '二', '三', '四', '五', '六'];

/** @param {number} y @param {number} m 1-12 @param {number} d */
function iso(y, m, d) {
  return `${y}-${pad(m)}-${pad(d)}`;
}

function daysIn(y, m) {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * A date as staff type it, or null. A date without a year is in `year`.
 * @param {string} text
 * @param {number} year
 */
export function parseDate(text, year) {
  const t = String(text || '').trim().replace(/[年月.\/]/g, '-').replace(/[日号]/g, '');
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t) || /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  let y; let mo; let d;
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{1,2})-(\d{1,2})$/.exec(t) || /^(\d{2})(\d{2})$/.exec(t))) [y, mo, d] = [year, Number(m[1]), Number(m[2])];
  else return null;
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return null;
  return iso(y, mo, d);
}

/**
 * A month as staff type it (2026-10, 2026/10, 2026年10月, 202610), or null.
 * @param {string} text
 */
export function parseMonth(text) {
  const t = String(text || '').trim().replace(/[年.\/]/g, '-').replace(/月$/, '');
  const m = /^(\d{4})-(\d{1,2})$/.exec(t) || /^(\d{4})(\d{2})$/.exec(t);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return null;
  return `${m[1]}-${pad(Number(m[2]))}`;
}

/** The date `n` days after an ISO date. */
export function addDays(date, n) {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return iso(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** The same day `n` months on, the last of the month when it is shorter. */
function addMonthsIso(date, n) {
  const [y, m, d] = date.split('-').map(Number);
  const k = y * 12 + (m - 1) + n;
  const [ny, nm] = [Math.floor(k / 12), (k % 12) + 1];
  return iso(ny, nm, Math.min(d, daysIn(ny, nm)));
}

/** 周一 … 周日 of an ISO date. */
export function weekday(date) {
  const [y, m, d] = date.split('-').map(Number);
  return `周${WEEK[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]}`;
}

const within = (v, min, max) => (!min || v >= min) && (!max || v <= max);

/** The clinic's today (app.info), so the calendar marks the day the app works on, not the PC's. */
let clinicToday = '';
export function setClinicToday(date) {
  clinicToday = date || '';
}

function todayIso() {
  if (clinicToday) return clinicToday;
  const now = new Date();
  return iso(now.getFullYear(), now.getMonth() + 1, now.getDate());
}

/** The popup calendar (one at a time), under `input`. */
let openCalendar = null;
function closeCalendar() {
  if (openCalendar) openCalendar.remove();
  openCalendar = null;
}

function showCalendar(input, monthOnly, commit) {
  closeCalendar();
  const fallback = todayIso();
  let shown = (monthOnly ? (parseMonth(input.value) || fallback.slice(0, 7)) + '-01' : parseDate(input.value, Number(fallback.slice(0, 4))) || input.max || fallback);
  const box = h('div', { class: 'calendar', role: 'dialog', 'aria-label': monthOnly ? '选择月份' : '选择日期' });
  // Clicks inside keep the field focused (its blur would close the calendar).
  box.addEventListener('mousedown', (e) => e.preventDefault());
  const pick = (value) => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    closeCalendar();
    commit();
  };
  const draw = () => {
    const [y, m] = shown.split('-').map(Number);
    const step = (n) => h('button', { type: 'button', class: 'link', tabindex: '-1', onclick: () => { shown = addMonthsIso(shown, n); draw(); } }, n < 0 ? '‹' : '›');
    if (monthOnly) {
      replace(box,
        h('div', { class: 'calendar-head' }, step(-12), h('strong', {}, `${y}年`), step(12)),
        h('div', { class: 'calendar-months' }, Array.from({ length: 12 }, (_, i) => {
          const v = `${y}-${pad(i + 1)}`;
          return h('button', {
            type: 'button', tabindex: '-1', disabled: !within(v, input.min, input.max), class: v === input.value ? 'chosen' : '',
            onclick: () => pick(v),
          }, `${i + 1}月`);
        })));
      return;
    }
    const first = new Date(Date.UTC(y, m - 1, 1)).getUTCDay();
    const blanks = (first + 6) % 7;
    replace(box,
      h('div', { class: 'calendar-head' }, step(-1), h('strong', {}, `${y}年${m}月`), step(1)),
      h('div', { class: 'calendar-days' },
        ['一', '二', '三', '四', '五', '六', '日'].map((w) => h('span', { class: 'calendar-week' }, w)),
        Array.from({ length: blanks }, () => h('span', {})),
        Array.from({ length: daysIn(y, m) }, (_, i) => {
          const v = iso(y, m, i + 1);
          return h('button', {
            type: 'button', tabindex: '-1', disabled: !within(v, input.min, input.max),
            class: [v === input.value ? 'chosen' : '', v === fallback ? 'today' : ''].join(' ').trim(),
            onclick: () => pick(v),
          }, String(i + 1));
        })));
  };
  draw();
  const r = input.getBoundingClientRect();
  // Kept on screen when the field is at the right edge.
  const width = 272;
  box.style.left = `${Math.max(8, Math.min(r.left, document.documentElement.clientWidth - width - 8)) + window.scrollX}px`;
  box.style.top = `${r.bottom + window.scrollY + 4}px`;
  document.body.append(box);
  openCalendar = box;
}

/**
 * @param {{id?: string, value?: string, min?: string, max?: string, label?: string, month?: boolean, onchange?: () => void}} spec
 */
function dateLike(spec) {
  const monthOnly = Boolean(spec.month);
  const input = /** @type {HTMLInputElement} */ (h('input', {
    id: spec.id, type: 'text', class: monthOnly ? 'month-input' : 'date-input', inputmode: 'numeric', autocomplete: 'off',
    value: spec.value || '', placeholder: monthOnly ? '如 2026-10' : '如 2026-11-24 或 11-24', 'aria-label': spec.label || null,
    min: spec.min || null, max: spec.max || null, title: monthOnly ? '↑↓ 换月 · Alt+↓ 选择' : '↑↓ 换一天 · PageUp/PageDown 换月 · Alt+↓ 日历',
  }));
  // A date typed without its year is in the year of the field's bounds (this year).
  const year = () => Number((input.max || input.min || todayIso()).slice(0, 4));
  const tidy = () => {
    const v = monthOnly ? parseMonth(input.value) : parseDate(input.value, year());
    input.classList.toggle('bad-date', Boolean(input.value.trim()) && (!v || !within(v, input.min, input.max)));
    if (v && v !== input.value) input.value = v;
  };
  // `change` fires once per decision (Enter, leaving the field, a pick in
  // the calendar), not at every ↑/↓, so a page that reloads on a new month
  // does not reload twelve times on the way to it.
  let committed = input.value;
  const commit = () => {
    tidy();
    if (input.value !== committed) {
      committed = input.value;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }
  };
  // Registered first, so every other listener reads the tidied value.
  input.addEventListener('change', () => { tidy(); committed = input.value; });
  input.addEventListener('blur', () => { commit(); closeCalendar(); });
  input.addEventListener('click', () => showCalendar(input, monthOnly, commit));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { commit(); closeCalendar(); return; }
    if (e.key === 'Escape' && openCalendar) { e.preventDefault(); e.stopPropagation(); closeCalendar(); return; }
    if (e.altKey && e.key === 'ArrowDown') { e.preventDefault(); showCalendar(input, monthOnly, commit); return; }
    const moves = monthOnly
      ? { ArrowUp: 1, ArrowDown: -1, PageUp: 12, PageDown: -12 }
      : { ArrowUp: 1, ArrowDown: -1, PageUp: 'm1', PageDown: 'm-1' };
    const step = moves[e.key];
    if (step === undefined || e.altKey) return;
    e.preventDefault();
    tidy();
    const fallback = input.max || input.min || todayIso();
    const base = monthOnly ? `${parseMonth(input.value) || fallback.slice(0, 7)}-01` : (parseDate(input.value, year()) || fallback);
    if (!base) return;
    let next = typeof step === 'number' ? (monthOnly ? addMonthsIso(base, step) : addDays(base, step)) : addMonthsIso(base, Number(step.slice(1)));
    if (monthOnly) next = next.slice(0, 7);
    if (!within(next, input.min, input.max)) return;
    input.value = next;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    if (openCalendar) showCalendar(input, monthOnly, commit);
  });
  if (spec.onchange) input.addEventListener('change', spec.onchange);
  return input;
}

/** A date field (value 2026-11-24). */
export function dateInput(spec) {
  return dateLike({ ...spec, month: false });
}

/** A month field (value 2026-10). */
export function monthInput(spec) {
  return dateLike({ ...spec, month: true });
}
