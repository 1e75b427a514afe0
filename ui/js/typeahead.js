/**
 * A pick list staff can type into: it narrows as they type (the name, its
 * pinyin initials or its full pinyin: 水光 / sg / shuiguang), ↑↓ move, Enter
 * or Tab takes the highlighted one, Esc closes the list. Only a listed
 * option can be taken, so 小红书 / 红书 / xhs cannot drift apart.
 */
import { h, replace } from './dom.js';

/**
 * @typedef {{value: string, text: string, hint?: string, keys?: string[]}} Option
 */

const SHOWN = 8;

/** Lower-case, no blanks: how typed text and keys are compared. */
function norm(text) {
  return String(text || '').toLowerCase().replace(/\s+/g, '');
}

/**
 * Options matching what was typed: those starting with it first.
 * @param {Option[]} options
 * @param {string} typed
 */
export function matching(options, typed) {
  const q = norm(typed);
  if (!q) return options.slice();
  const rank = (o) => {
    const keys = [norm(o.text), ...(o.keys || []).map(norm)];
    if (keys.some((k) => k.startsWith(q))) return 0;
    if (keys.some((k) => k.includes(q)) || norm(o.hint).includes(q)) return 1;
    return 2;
  };
  return options.map((o) => [rank(o), o]).filter(([r]) => r < 2).sort((a, b) => a[0] - b[0]).map(([, o]) => o);
}

/**
 * @param {{id: string, options: Option[], placeholder?: string, value?: string, label?: string, onPick?: (o: Option|null, chosen: boolean) => void}} spec
 */
export function typeahead(spec) {
  const input = h('input', {
    id: spec.id, type: 'text', autocomplete: 'off', placeholder: spec.placeholder || '输入名称或拼音首字母',
    role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': `${spec.id}-list`,
    'aria-label': spec.label || null,
  });
  const list = h('ul', { class: 'typeahead-list', id: `${spec.id}-list`, role: 'listbox', hidden: true });
  const el = h('div', { class: 'typeahead' }, input, list);
  let options = spec.options;
  /** @type {Option|null} */
  let picked = null;
  let shown = [];
  let at = 0;

  const close = () => { list.hidden = true; input.setAttribute('aria-expanded', 'false'); };
  const highlight = (i) => {
    at = i;
    list.querySelectorAll('li').forEach((li, n) => li.setAttribute('aria-selected', n === i ? 'true' : 'false'));
  };
  const open = () => {
    shown = matching(options, picked && input.value === picked.text ? '' : input.value).slice(0, SHOWN);
    replace(list, shown.length
      ? shown.map((o, i) => h('li', {
        role: 'option', id: `${spec.id}-opt-${i}`, dataset: { value: o.value },
        // mousedown, not click: the input must not lose the pick to its blur.
        onmousedown: (e) => { e.preventDefault(); take(o, true); },
      }, h('span', {}, o.text), o.hint ? h('span', { class: 'hint' }, o.hint) : null))
      : h('li', { class: 'none' }, '没有匹配的选项'));
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    highlight(0);
  };
  // `chosen`: taken from the list (Enter, Tab, a click), not just typed in full.
  const take = (o, chosen = false) => {
    picked = o;
    input.value = o ? o.text : '';
    el.classList.toggle('unpicked', false);
    close();
    if (spec.onPick) spec.onPick(o, chosen);
  };
  // Typed text that is exactly an option's name counts as picking it.
  const settle = () => {
    if (picked && input.value === picked.text) return;
    const exact = options.find((o) => o.text === input.value.trim() || o.value === input.value.trim());
    if (exact) { take(exact); return; }
    if (picked) { picked = null; if (spec.onPick) spec.onPick(null); }
    el.classList.toggle('unpicked', input.value.trim() !== '');
  };

  input.addEventListener('input', () => { el.classList.remove('unpicked'); open(); });
  input.addEventListener('focus', () => { if (!picked) open(); });
  input.addEventListener('blur', () => { close(); settle(); });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (list.hidden) { open(); return; }
      const n = shown.length;
      if (n) highlight((at + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
    } else if ((e.key === 'Enter' || e.key === 'Tab') && !list.hidden && shown.length && (input.value.trim() || e.key === 'Enter')) {
      // Enter takes the option; it does not send the form underneath.
      if (e.key === 'Enter') e.preventDefault();
      take(shown[at], e.key === 'Enter');
    } else if (e.key === 'Escape' && !list.hidden) {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  });

  const api = {
    el,
    input,
    /** The option taken, or null. */
    get picked() { settle(); return picked; },
    /** @param {string} value */
    set(value) {
      const o = options.find((x) => x.value === value) || null;
      picked = o;
      input.value = o ? o.text : (value || '');
    },
    /** @param {Option[]} next */
    setOptions(next) { options = next; },
    focus() { input.focus(); },
  };
  if (spec.value) api.set(spec.value);
  return api;
}
