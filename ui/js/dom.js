/**
 * Building the DOM without innerHTML: user data only ever enters the page as
 * text nodes, so a name like `<img onerror=…>` stays a name.
 */

/**
 * Creates an element.
 * @param {string} tag
 * @param {Record<string, any>} [attrs] class, dataset, on* handlers, properties or attributes
 * @param {...any} children nodes or strings (strings become text)
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'value' || key === 'checked' || key === 'disabled') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends children (nested arrays, nodes, strings; null skipped). */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Empties an element and fills it anew. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** Text or a grey dash for empty values. */
export function orDash(value) {
  return value == null || value === '' ? h('span', { class: 'empty' }, '—') : String(value);
}

let toastTimer = 0;
/**
 * Shows a short message in the corner.
 * @param {string} message
 * @param {'ok'|'error'} [kind]
 */
export function toast(message, kind = 'ok') {
  const el = document.getElementById('toast');
  if (!el) return;
  el.textContent = message;
  el.className = kind === 'error' ? 'toast error' : 'toast';
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, kind === 'error' ? 6000 : 2600);
}
