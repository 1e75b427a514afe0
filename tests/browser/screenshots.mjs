// Screenshots for the README: a demo clinic served by `liuke serve`, each
// screen captured in headless chromium at a reception PC's 1280×800.
// Run: node tests/browser/screenshots.mjs  (writes docs/screenshots/*.png)
import { mkdirSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openClinic, liuke } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, '../../docs/screenshots');
mkdirSync(out, { recursive: true });

const clinic = await openClinic({ demo: 300 });
const { page } = clinic;
try {
  const shoot = async (name) => {
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${out}/${name}.png` });
    console.log(`${out}/${name}.png`);
  };
  await page.goto(clinic.url);
  await page.getByRole('dialog').waitFor();
  await shoot('staff');
  await page.keyboard.press('1');
  await page.waitForSelector('body[data-ready="true"]');
  for (const [name, hash, ready] of (JSON.parse(process.env.SHOTS || 'null') || [
    ['customers', '#/customers', '#customer-search'],
    ['triage', '#/triage', 'main'],
    ['consumption', '#/consumption', 'main'],
    ['settings', '#/settings', 'main'],
  ])) {
    await page.goto(`${clinic.url}${hash}`);
    await page.waitForSelector(ready);
    if (name === 'customers') {
      await page.fill('#customer-search', 'zh');
      await page.waitForSelector('#results li, #results tr, #results .hit');
    }
    await shoot(name);
  }
  // The first customer's file.
  const first = JSON.parse(liuke(clinic.db, 'customers', '--search', 'zh'))[0];
  if (first) {
    await page.goto(`${clinic.url}#/customers/${first.id}`);
    await page.waitForSelector('#file-name');
    await shoot('customer-file');
  }
} finally {
  await clinic.close();
}
