// The desktop window's booking book for the README, under Xvfb through tauri-driver.
// Run: xvfb-run -a -s "-screen 0 1280x800x24" node tests/desktop/screenshot.mjs (writes docs/screenshots/desktop-appointments.png)
import { writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { waitFor, withWindow, TODAY, ROOT, sleep } from './driver.mjs';
rmSync('/tmp/deskshot', { recursive: true, force: true });
mkdirSync('/tmp/deskshot');
const db = '/tmp/deskshot/l.db';
execFileSync(process.env.LIUKE_BIN || `${ROOT}/target/debug/liuke`, ['--db', db, '--today', TODAY, 'demo']);
await withWindow(db, async ({ find, click, run, screenshot }) => {
  await waitFor('picker', () => find('[role=dialog] button'));
  await click('[role=dialog] button');
  await waitFor('ready', () => find('body[data-ready="true"]'));
  await run("location.hash = '#/appointments'");
  await waitFor('book', () => find('#day-book'));
  await sleep(500);
  writeFileSync(`${ROOT}/docs/screenshots/desktop-appointments.png`, await screenshot());
});
