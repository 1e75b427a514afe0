/**
 * Keyboard shortcuts for reception: F2 or / jumps to the search box of the
 * screen (the desk's or the archive's),
 * Alt+N opens a new customer file, Alt+K the order form of the file on
 * screen. Forms handle Enter and Esc themselves.
 */
import { may } from './session.js';

function typingInField(target) {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

export function installShortcuts() {
  document.addEventListener('keydown', (event) => {
    if (document.querySelector('.modal-back')) return;
    if (event.key === 'F2' || (event.key === '/' && !typingInField(event.target))) {
      event.preventDefault();
      const search = document.getElementById('desk-search') || document.getElementById('customer-search');
      if (search) search.focus();
      else location.hash = '#/customers';
    } else if (event.altKey && (event.key === 'n' || event.key === 'N') && may('customers.create')) {
      event.preventDefault();
      location.hash = '#/customers/new';
    } else if (event.altKey && (event.key === 'k' || event.key === 'K')) {
      const order = document.getElementById('new-order');
      if (order instanceof HTMLAnchorElement) { event.preventDefault(); order.click(); }
    }
  });
}
