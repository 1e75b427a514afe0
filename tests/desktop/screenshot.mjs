// The desktop window for the README, under Xvfb through tauri-driver: the
// booking book, and the date and month pickers (in Chinese in WebKitGTK too).
// Run: xvfb-run -a -s "-screen 0 1280x800x24" node tests/desktop/screenshot.mjs
// (writes docs/screenshots/desktop-appointments.png, desktop-date-picker.png, desktop-month-picker.png)
import { writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { waitFor, withWindow, TODAY, ROOT, sleep } from './driver.mjs';
rmSync('/tmp/deskshot', { recursive: true, force: true });
mkdirSync('/tmp/deskshot');
const db = '/tmp/deskshot/l.db';
execFileSync(process.env.LIUKE_BIN || `${ROOT}/target/debug/liuke`, ['--db', db, '--today', TODAY, 'demo']);
await withWindow(db, async ({ find, click, run, screenshot }) => {
  await waitFor('picker', () => find('[role=dialog] button'));
  // The owner, who may open every screen.
  await run("[...document.querySelectorAll('[role=dialog] button')].find((b) => b.textContent.includes('周院长')).click()");
  await waitFor('ready', () => find('body[data-ready="true"]'));
  await run("location.hash = '#/appointments'");
  await waitFor('book', () => find('#day-book'));
  await sleep(500);
  writeFileSync(`${ROOT}/docs/screenshots/desktop-appointments.png`, await screenshot());
  await run("location.hash = '#/consumption'");
  await waitFor('day', () => find('#day-picker'));
  await click('#day-picker');
  await waitFor('calendar', () => find('.calendar'));
  await sleep(300);
  writeFileSync(`${ROOT}/docs/screenshots/desktop-date-picker.png`, await screenshot());
  await run("location.hash = '#/reports'");
  await waitFor('report', () => find('#report-month'));
  await click('#report-month');
  await waitFor('calendar', () => find('.calendar'));
  await sleep(300);
  writeFileSync(`${ROOT}/docs/screenshots/desktop-month-picker.png`, await screenshot());
});
