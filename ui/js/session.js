/**
 * Who is at the desk. Asked each time the app opens (kept for this window's
 * session only), sent with every command so every record says who entered it.
 */
const KEY = 'liuke.actor';

/** @returns {{id: number, name: string, role: string, role_label: string, may?: string[]} | null} */
export function currentActor() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) || 'null');
  } catch {
    return null;
  }
}

/** The session token from signing in, sent with every command. */
export function currentToken() {
  const a = currentActor();
  return a && a.token ? a.token : null;
}

/** @returns {number | null} */
export function currentActorId() {
  const a = currentActor();
  return a ? a.id : null;
}

/** @param {{id: number, name: string, role: string, role_label: string} | null} staff */
export function setActor(staff) {
  if (staff) sessionStorage.setItem(KEY, JSON.stringify(staff));
  else sessionStorage.removeItem(KEY);
  document.dispatchEvent(new CustomEvent('actor-changed', { detail: staff }));
}

/**
 * Whether the person at the desk may run a command (the command table's
 * answer at sign-in), so a screen shows only what its user can do. The core
 * still decides every request.
 * @param {string} cmd
 */
export function may(cmd) {
  const a = currentActor();
  return !a || !Array.isArray(a.may) || a.may.includes(cmd);
}

/** Where each role's day starts. */
const HOME = { reception: 'triage', consultant: 'triage', doctor: 'triage', nurse: 'triage', service: 'callbacks', owner: 'reports' };

/** The screen the person at the desk starts on. */
export function homeRoute() {
  const a = currentActor();
  return (a && HOME[a.role]) || 'customers';
}
