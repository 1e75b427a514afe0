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
    // Through the CSS object model: the Content-Security-Policy refuses style attributes.
    else if (key === 'style') el.style.cssText = String(value);
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

/**
 * Asks for one line of text in a small modal (e.g. why a record is voided).
 * Resolves to the trimmed text, or null when cancelled (Esc or 取消).
 * @param {string} title
 * @param {string} label
 * @returns {Promise<string|null>}
 */
export function ask(title, label, { secret = false } = {}) {
  return new Promise((resolve) => {
    const input = h('input', { id: 'ask-input', type: secret ? 'password' : 'text', autocomplete: 'off' });
    const back = h('div', { class: 'modal-back' });
    const close = (value) => { back.remove(); resolve(value); };
    const form = h('form', {
      class: 'modal', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'ask-title',
      onsubmit: (e) => { e.preventDefault(); if (input.value.trim()) close(input.value.trim()); else input.focus(); },
      onkeydown: (e) => { if (e.key === 'Escape') close(null); },
    },
    h('h2', { id: 'ask-title' }, title),
    h('div', { class: 'field' }, h('label', { for: 'ask-input' }, label), input),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'ask-ok' }, '确定'),
      h('button', { type: 'button', onclick: () => close(null) }, '取消')));
    back.append(form);
    document.body.append(back);
    input.focus();
  });
}

/**
 * Saves an export the core made ({filename, base64}) as a download.
 * @param {{filename: string, base64: string}} out
 */
export function saveExport(out) {
  const bytes = Uint8Array.from(atob(out.base64), (ch) => ch.charCodeAt(0));
  const type = out.filename.endsWith('.csv') ? 'text/csv;charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([bytes], { type }));
  a.download = out.filename;
  document.body.append(a);
  a.click();
  a.remove();
}
