// App start to usable window for the desktop app, measured (not a test):
// liuke-desktop under Xvfb through tauri-driver, from asking for the window
// until the staff picker's first button is on screen. The WebDriver session
// itself (WebKitWebDriver starting) is part of the figure, so it is an upper
// bound. Run: xvfb-run -a node tests/desktop/start-time.mjs DB [RUNS]
// (LIUKE_DESKTOP for a release build; DESIGN.md target: < 1.5 s).
import { spawn } from 'node:child_process';
import { DESKTOP, DRIVER, ELEMENT, TODAY, wd, waitFor } from './driver.mjs';

const [db, runs = '5'] = process.argv.slice(2);
const driver = spawn(DRIVER, [], { env: { ...process.env, LIUKE_DB: db, LIUKE_TODAY: TODAY }, stdio: 'ignore' });
const times = [];
try {
  await waitFor('tauri-driver', async () => (await fetch('http://127.0.0.1:4444/status')).ok);
  for (let i = 0; i < Number(runs); i++) {
    const t0 = performance.now();
    const session = (await wd('POST', '/session', { capabilities: { alwaysMatch: { 'tauri:options': { application: DESKTOP } } } })).sessionId;
    await waitFor('the staff picker', async () => (await wd('POST', `/session/${session}/element`, { using: 'css selector', value: '[role=dialog] button' }))[ELEMENT], 30000);
    times.push(performance.now() - t0);
    await wd('DELETE', `/session/${session}`).catch(() => {});
  }
} finally {
  driver.kill();
}
times.sort((a, b) => a - b);
console.log(`desktop start to usable window (${times.length} runs, ${DESKTOP}): median ${times[Math.floor(times.length / 2)].toFixed(0)} ms, max ${times[times.length - 1].toFixed(0)} ms`);
