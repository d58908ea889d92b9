// `npm run screenshots`: the README's pictures of the Studio and Line check pages, made from the
// simulated studio of config/studio.yaml (free ports, one dead tie and a polarity swap injected so
// the line check has something to show), in Debian's Chromium at 1024×768.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { parse } from 'yaml';
import { App } from '../src/app.ts';
import { silentLogger } from '../src/core/logger.ts';
import { chromiumPath } from '../src/recall/mixbook.ts';
import { validateSettings } from '../src/settings/load.ts';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'docs/screenshots');
mkdirSync(out, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'rad-shots-'));
// biome-ignore lint/suspicious/noExplicitAny: the shipped YAML, edited key by key below
const cfg = parse(readFileSync(join(root, 'config/studio.yaml'), 'utf8')) as Record<string, any>;
cfg.data_dir = join(dir, 'data');
cfg.profiles_dir = join(root, 'config', cfg.profiles_dir);
cfg.api.port = 0;
for (const c of cfg.consoles) c.port = 0;
for (const p of cfg.patchbays) {
  if (p.tcp) p.tcp.port = 0;
  if (p.serial) p.serial.path = join(dir, `tty-${p.id}`);
}
cfg.sim.faults = [
  { path: 'tie-07', kind: 'dead' },
  { path: 'tie-12', kind: 'polarity' },
];
const app = await App.build(validateSettings(cfg), { log: silentLogger() });
await app.start();
const exe = chromiumPath();
if (!exe) throw new Error('Chromium is not installed (apt-get install chromium)');
const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const url = app.apiUrl();
  const page = await (await browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();
  await page.goto(`${url}/login`);
  await page.getByLabel('API token').fill(app.token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.goto(`${url}/linecheck`);
  await page.locator('.tile[data-path="tie-01"]').waitFor();
  await page.getByRole('button', { name: 'Start line check' }).click();
  await page.locator('.tile[data-path="tie-64"][data-verdict]:not([data-verdict=""])').waitFor({ timeout: 30000 });
  await page.locator('.tile[data-path="tie-07"]').click();
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(out, 'linecheck.png') });
  await page.goto(`${url}/studio`);
  await page.locator('tr[data-device="x32-main"] .state').waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(out, 'studio.png') });
  console.log(`wrote ${join(out, 'studio.png')} and ${join(out, 'linecheck.png')}`);
} finally {
  await browser.close();
  await app.stop();
  rmSync(dir, { recursive: true, force: true });
}
