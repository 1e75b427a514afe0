// App start to usable window, measured (not a test): `liuke serve` on an
// existing database, then Debian's headless chromium until the staff picker
// is on screen and answers. Run: node tests/browser/start-time.mjs DB [RUNS]
// (DESIGN.md target: < 1.5 s). Uses target/release/liuke unless LIUKE_BIN.
// The floor beside it: the same browser opening a static page with one
// button from a server already running (no process to start, no database,
// no script).
import { spawn } from 'node:child_process';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = process.env.LIUKE_BIN || resolve(here, '../../target/release/liuke');
const [db, runs = '5'] = process.argv.slice(2);
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
const times = [];
const peaks = [];
/** The server's resident high-water mark in MiB, from /proc. */
const peakMib = (pid) => {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s*(\d+) kB/);
  return m ? Number(m[1]) / 1024 : NaN;
};
for (let i = 0; i < Number(runs); i++) {
  const t0 = performance.now();
  const server = spawn(BIN, ['--db', db, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((ok, fail) => {
    let out = '';
    server.stdout.on('data', (c) => { out += c; const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//); if (m) ok(m[0]); });
    server.on('exit', (code) => fail(new Error(`serve exited ${code}`)));
  });
  const page = await browser.newPage();
  await page.goto(url);
  await page.getByRole('dialog').getByRole('button').first().waitFor();
  times.push(performance.now() - t0);
  peaks.push(peakMib(server.pid));
  await page.close();
  server.kill();
  await new Promise((r) => server.on('exit', r));
}
const floor = [];
const still = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end('<!doctype html><title>留客</title><div role="dialog"><button>周院长</button></div>');
});
await new Promise((ok) => still.listen(0, '127.0.0.1', ok));
for (let i = 0; i < Number(runs); i++) {
  const t0 = performance.now();
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${still.address().port}/`);
  await page.getByRole('dialog').getByRole('button').first().waitFor();
  floor.push(performance.now() - t0);
  await page.close();
}
still.close();
await browser.close();
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const m = median(times);
const f = median(floor);
console.log(`start to usable window (${times.length} runs): median ${m.toFixed(0)} ms, max ${times[times.length - 1].toFixed(0)} ms; floor ${f.toFixed(0)} ms; ours ÷ floor ${(m / f).toFixed(1)}; server peak memory ${Math.max(...peaks).toFixed(0)} MiB`);
