// The studio page in a real browser (Debian's Chromium through playwright-core) against the daemon
// on the simulated studio: login with a session cookie and CSRF, every page without console errors
// or failed requests and without serious accessibility violations, and the page doing real work:
// a line check with two faults, a tie clicked in the matrix, a snapshot restored, meters and tuner.
import { spawnSync } from 'node:child_process';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { chromiumPath } from '../../src/recall/mixbook.ts';
import { ROOT, startSimApp, waitFor } from '../helpers.ts';

let app: App;
let browser: Browser;
let url: string;

beforeAll(async () => {
  // the page as `npm ci` builds it, from the sources under test
  const b = spawnSync(process.execPath, [`${ROOT}scripts/build.mjs`], { stdio: 'inherit' });
  if (b.status !== 0) throw new Error('build failed');
  app = await startSimApp({
    patchbays: [{ id: 'sw-a', protocol: 'extron-sis', tcp: { host: '127.0.0.1', port: 0 }, inputs: 8, outputs: 8 }],
    bays: [{ id: 'bay-a', points: 8, normal: 'half' }],
    wiring: [
      { from: 'iface:out:1-8', to: 'tie:1-8' },
      { from: 'tie:1-8', to: 'bay-a:top:1-8' },
      { from: 'bay-a:bottom:1-8', to: 'x32-main:in:1-8' },
      { from: 'x32-main:in:1-8', to: 'iface:in:1-8' },
    ],
    audio: { backend: 'sim', inputs: 8, outputs: 8 },
    profiles_dir: `${ROOT}config/profiles`,
    linecheck: { plan: [{ source: 'tie:1-8', input: 'x32-main:in:1-8' }] },
    sim: {
      enabled: true,
      // the sound-check test starts it, then stops it and puts the gains back
      band: {
        players: [
          { input: 'x32-main:in:6', programme: 'kick', level_dbfs: -36 },
          { input: 'x32-main:in:7', programme: 'bass', level_dbfs: -24 },
        ],
      },
      faults: [
        { path: 'tie-02', kind: 'dead' },
        { path: 'tie-05', kind: 'polarity' },
      ],
    },
  });
  url = app.apiUrl();
  const exe = chromiumPath();
  if (!exe) throw new Error('Chromium is not installed (apt-get install chromium): the page tests need it');
  browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-gpu'] });
}, 60000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** A page with every console error, failed request and HTTP error recorded. */
async function open(path = '/studio'): Promise<{ page: Page; problems: string[] }> {
  const ctx = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await ctx.newPage();
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/api/v1/session')) problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  await page.goto(`${url}${path}`);
  return { page, problems };
}

async function login(page: Page): Promise<void> {
  await page.getByLabel('API token').fill(app.token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Pages' }).waitFor();
}

describe('the studio page', () => {
  it('no access without login; a wrong token is refused with its code; the right one opens the studio', async () => {
    const { page, problems } = await open('/studio');
    await page.getByLabel('API token').waitFor();
    const anon = await page.evaluate(async () => (await fetch('/api/v1/status')).status);
    expect(anon).toBe(401);
    await page.getByLabel('API token').fill('not-the-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/E_UNAUTHORIZED/);
    await login(page);
    await page.locator('tr[data-device="x32-main"] .state.online').waitFor();
    // the session cookie is HttpOnly: the page's script cannot read it, nor any token
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage))).not.toContain(
      app.token,
    );
    // a write without the CSRF header is refused, with the header it goes through
    const [without, withHeader] = await page.evaluate(async () => {
      const body = JSON.stringify({ label: 'csrf probe' });
      const a = await fetch('/api/v1/snapshots', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const s = (await (await fetch('/api/v1/session')).json()) as { csrf: string };
      const b = await fetch('/api/v1/snapshots', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrf },
        body,
      });
      return [{ status: a.status, body: await a.json() }, b.status];
    });
    expect(without).toMatchObject({ status: 403, body: { error: 'E_CSRF' } });
    expect(withHeader).toBe(200);
    // the three refusals above are on purpose (anonymous read, wrong token, write without CSRF)
    const expected = /HTTP 40[13] .*\/api\/v1\/(status|snapshots)|status of 40[13] \((Unauthorized|Forbidden)\)/;
    expect(problems.filter((p) => !expected.test(p))).toEqual([]);
    expect(problems.filter((p) => expected.test(p))).toHaveLength(5);
    await page.context().close();
  }, 30000);

  for (const path of [
    '/studio',
    '/linecheck',
    '/soundcheck',
    '/patching',
    '/console',
    '/audio',
    '/layout',
    '/recall',
    '/facility',
  ]) {
    it(`${path} loads with no console error, no failed request, no serious accessibility violation`, async () => {
      const { page, problems } = await open(path);
      await login(page);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      const axe = await new AxeBuilder({ page: page as never }).analyze();
      const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      expect(problems).toEqual([]);
      await page.context().close();
    }, 30000);
  }

  it('line check with two faults: the two tiles show their verdicts, the rest pass', async () => {
    const { page, problems } = await open('/linecheck');
    await login(page);
    await page.locator('.tile[data-path="tie-01"]').waitFor();
    await page.getByRole('button', { name: 'Start line check' }).click();
    await page.locator('.tile[data-path="tie-08"][data-verdict]:not([data-verdict=""])').waitFor({ timeout: 20000 });
    const verdicts = await page.$$eval('.tile', (ts) =>
      ts.map((t) => [t.getAttribute('data-path'), t.getAttribute('data-verdict')]),
    );
    expect(Object.fromEntries(verdicts)).toMatchObject({
      'tie-02': 'dead',
      'tie-05': 'polarity',
      'tie-01': 'pass',
      'tie-08': 'pass',
    });
    await page.locator('.tile[data-path="tie-02"]').click();
    await expect.poll(() => page.locator('.findings').textContent()).toMatch(/dead/);
    // again, only the chosen paths: the others get no verdict in this run
    await page.getByLabel('Only these paths').fill('tie-05 tie-06');
    await page.getByRole('button', { name: 'Start line check' }).click();
    await page.locator('.tile[data-path="tie-06"][data-verdict="pass"]').waitFor({ timeout: 20000 });
    expect(await page.locator('.tile[data-path="tie-05"]').getAttribute('data-verdict')).toBe('polarity');
    expect(await page.locator('.tile[data-path="tie-01"]').getAttribute('data-verdict')).toBe('');
    expect(problems).toEqual([]);
    await page.context().close();
  }, 40000);

  it('a tie clicked in the matrix is verified and the switcher holds it; a change by another client appears without reload', async () => {
    const { page, problems } = await open('/patching');
    await login(page);
    const cell = page.locator('table[data-patchbay="sw-a"] button[data-output="3"][data-input="5"]');
    await cell.click();
    await expect.poll(() => cell.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => page.locator('.patching [role="status"]').textContent()).toMatch(/verified/);
    expect(app.services.studio!.patchbays.get('sw-a')!.map[2]).toBe(5);
    // a preset of this map, then another tie, then the preset recalled: back to output 3 ← 5 only
    await page.getByLabel('Preset').fill('tracking day');
    await page.getByRole('button', { name: 'Save this map' }).click();
    await page.locator('button[data-preset="tracking day"]').waitFor();
    await app.inject({
      method: 'PUT',
      url: '/api/v1/patchbays/sw-a/ties',
      payload: { ties: [{ output: 3, input: 1 }] },
    });
    await expect.poll(() => cell.getAttribute('aria-pressed')).toBe('false');
    await page.locator('button[data-preset="tracking day"]').click();
    await expect.poll(() => cell.getAttribute('aria-pressed')).toBe('true');
    expect(app.services.studio!.patchbays.get('sw-a')!.map[2]).toBe(5);
    // another client ties output 4 ← 6 over REST: the grid follows
    await app.inject({
      method: 'PUT',
      url: '/api/v1/patchbays/sw-a/ties',
      payload: { ties: [{ output: 4, input: 6 }] },
    });
    const other = page.locator('table[data-patchbay="sw-a"] button[data-output="4"][data-input="6"]');
    await expect.poll(() => other.getAttribute('aria-pressed')).toBe('true');
    // the tracer draws the path that reaches console input 3
    await page.getByLabel('Endpoint').fill('x32-main:in:3');
    await page.getByRole('button', { name: 'Trace' }).click();
    await expect
      .poll(() => page.locator('ol.hops').first().textContent())
      .toMatch(/tie:3.*x32-main:in:3|x32-main:in:3.*tie:3/);
    // a cord to a jack that is not an endpoint: the API's code, shown
    await page.locator('#cord-a').fill('not an endpoint');
    await page.locator('#cord-b').fill('bay-a:bottom:1');
    await page.getByRole('button', { name: 'Add cord' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/E_VALIDATION/);
    problems.splice(
      0,
      problems.length,
      ...problems.filter((p) => !/HTTP 400 .*\/api\/v1\/cords|status of 400/.test(p)),
    );
    // a cord from tie 2 (top) into point 3's bottom jack breaks point 3's half normal: input 3 now hears tie 2
    await page.locator('#cord-a').fill('bay-a:top:2');
    await page.locator('#cord-b').fill('bay-a:bottom:3');
    await page.getByRole('button', { name: 'Add cord' }).click();
    await expect.poll(() => page.locator('td[data-jack="bay-a:bottom:3"]').getAttribute('class')).toMatch(/plugged/);
    await expect.poll(() => page.locator('ol.hops').first().textContent()).toMatch(/cord/);
    expect(await page.locator('ol.hops').first().textContent()).toMatch(/tie:2/);
    await page.getByRole('button', { name: 'Pull the cords declared here' }).click();
    await expect
      .poll(() => page.locator('td[data-jack="bay-a:bottom:3"]').getAttribute('class'))
      .not.toMatch(/plugged/);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 30000);

  it('snapshot, a fader changed over REST, the diff shows it, restore from the page puts it back', async () => {
    const put = (v: number) =>
      app.inject({
        method: 'PUT',
        url: '/api/v1/consoles/x32-main/values',
        payload: { path: 'input/6/fader', value: v },
      });
    await put(-5);
    const { page, problems } = await open('/recall');
    await login(page);
    await page.getByLabel('Label').fill('before the vocal');
    await page.getByRole('button', { name: 'Take snapshot' }).click();
    await page.getByText('snapshot "before the vocal" taken').waitFor();
    await put(-20);
    await page
      .locator('li', { hasText: 'before the vocal' })
      .getByRole('button', { name: /Compare/ })
      .click();
    await expect.poll(() => page.locator('.diff').textContent()).toMatch(/fader/);
    await page.getByRole('button', { name: /Restore these/ }).click();
    await page.getByText(/no differences/).waitFor({ timeout: 10000 });
    expect(app.services.consoles.get('x32-main').get('input/6/fader')).toBeCloseTo(-5, 0);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 30000);

  it('recall: a version with its print (loudness, true peak, checksum) plays in the page; its recall sheet shows', async () => {
    await app.inject({ method: 'POST', url: '/api/v1/versions', payload: { name: 'Song A v1' } });
    await app.inject({
      method: 'PUT',
      url: '/api/v1/audio/outputs/1',
      payload: { signal: { kind: 'sine', freq: 1000, level_dbfs: -20 } },
    });
    const p = await app.inject({
      method: 'POST',
      url: '/api/v1/prints',
      payload: { version: 'Song A v1', seconds: 0.5 },
    });
    expect(p.statusCode, p.body).toBe(202);
    await waitFor(
      async () => (await app.inject({ method: 'GET', url: '/api/v1/versions/Song%20A%20v1' })).json().print?.sha256,
      10000,
      50,
    );
    await app.inject({ method: 'DELETE', url: '/api/v1/audio/outputs' });
    const { page, problems } = await open('/recall');
    await login(page);
    const row = page.locator('li[data-version="Song A v1"]');
    await expect.poll(() => row.textContent()).toMatch(/LUFS.*dBTP.*SHA-256/);
    const src = await row.locator('audio').getAttribute('src');
    const wav = await page.evaluate(async (u) => {
      const r = await fetch(u!);
      const b = new Uint8Array(await r.arrayBuffer());
      return { type: r.headers.get('content-type'), riff: String.fromCharCode(...b.slice(0, 4)), size: b.length };
    }, src);
    expect(wav).toMatchObject({ type: 'audio/wav', riff: 'RIFF' });
    expect(wav.size).toBeGreaterThan(44 + 0.4 * 48000 * 2 * 3);
    await row.getByRole('button', { name: 'Recall sheet' }).click();
    await page.getByText(/Recall sheet: Song A v1/).waitFor();
    expect(problems).toEqual([]);
    await page.context().close();
  }, 30000);

  it('console: the X32 meters move with a tone on that input; a mute clicked is written and read back', async () => {
    const { page, problems } = await open('/console');
    await login(page);
    await page.locator('li.strip[data-strip="3"]').waitFor();
    await app.inject({
      method: 'PUT',
      url: '/api/v1/audio/outputs/3',
      payload: { signal: { kind: 'sine', freq: 1000, level_dbfs: -12 } },
    });
    // the console's meters are asked for while the page shows them (rechecked every second) and
    // follow the simulated loop: allow for a loaded machine
    await waitFor(
      async () => Number(await page.locator('.cmeter[data-strip="3"]').getAttribute('data-db')) > -30,
      20000,
      50,
    );
    expect(Number((await page.locator('.cmeter[data-strip="1"]').getAttribute('data-db')) ?? '-90')).toBeLessThan(-40);
    await app.inject({ method: 'DELETE', url: '/api/v1/audio/outputs' });
    await page.locator('li.strip[data-strip="4"]').getByRole('button', { name: 'Mute' }).click();
    await expect
      .poll(() => page.locator('.console [role="status"]').textContent())
      .toMatch(/input\/4\/mute → true: verified/);
    expect(app.services.consoles.get('x32-main').get('input/4/mute')).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 30000);

  it('sound check: the band plays, a listen proposes gains, apply lands them on the target; the band stops', async () => {
    const { page, problems } = await open('/soundcheck');
    await login(page);
    await page.getByRole('button', { name: /Start the band/ }).click();
    await page.getByRole('button', { name: /Stop the band/ }).waitFor();
    await page.getByLabel('Seconds to listen').fill('3');
    await page.getByRole('button', { name: 'Listen' }).click();
    const kick = page.locator('tr[data-input="6"] td[data-proposed]');
    await kick.waitFor({ timeout: 20000 });
    expect(Number(await kick.getAttribute('data-proposed'))).toBeCloseTo(24, 0);
    await page.getByRole('button', { name: 'Apply the gains' }).click();
    await expect
      .poll(() => page.locator('p[role="status"].ok').textContent(), { timeout: 30000 })
      .toMatch(/2 of 2 inputs within ±1\.5 dB/);
    // the console holds the new gains (read from the simulator's own state)
    const sim = app.services.studio!.x32.get('x32-main')!;
    expect(sim.preampGainDb(6)).toBeCloseTo(24, 0);
    expect(sim.preampGainDb(7)).toBeCloseTo(12, 0);
    await page.getByRole('button', { name: /Stop the band/ }).click();
    await page.getByRole('button', { name: /Start the band/ }).waitFor();
    // the rest of the suite runs at unity gain
    await app.services.consoles.get('x32-main').write([
      { path: 'input/6/gain', value: 0 },
      { path: 'input/7/gain', value: 0 },
    ]);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60000);

  it('audio: a prep job started from the page shows its progress and ends done; a file outside the media folder is refused', async () => {
    const { mkdirSync } = await import('node:fs');
    const media = `${app.settings.data_dir}/media`;
    mkdirSync(media, { recursive: true });
    const sox = spawnSync('sox', [
      '-n',
      '-r',
      '48000',
      '-b',
      '24',
      '-c',
      '1',
      `${media}/gtr.wav`,
      'synth',
      '1',
      'sine',
      '440',
      'pad',
      '1',
      '1',
    ]);
    expect(sox.status, String(sox.stderr)).toBe(0);
    const { page, problems } = await open('/audio');
    await login(page);
    await page.getByLabel(/WAV files/).fill(`${media}/gtr.wav`);
    await page.getByRole('button', { name: 'Start' }).click();
    await page.locator('.jobs li[data-state="done"]').waitFor({ timeout: 15000 });
    await page.getByLabel(/WAV files/).fill('/etc/passwd');
    await page.getByRole('button', { name: 'Start' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/E_PATH_OUTSIDE/);
    expect(problems.filter((p) => !/40[03]|Forbidden/.test(p))).toEqual([]);
    await page.context().close();
  }, 30000);

  it('layout: an input list and a profile become strips and a diff; apply writes them; the .RPP downloads', async () => {
    const { page, problems } = await open('/layout');
    await login(page);
    await page.getByLabel(/Input list/).fill('Kick In\nSnare Top\nLead Vox');
    await page.getByLabel('Profile').selectOption('rock-standard');
    await page.getByRole('button', { name: 'Plan' }).click();
    await page.locator('.plan .strip').first().waitFor();
    const names = await page.$$eval('.plan .strip .sname', (e) => e.map((x) => x.textContent));
    expect(names).toHaveLength(3);
    await page.getByRole('button', { name: /^Apply \d+ changes/ }).click();
    await page.getByText(/applied: \d+ values written, all verified/).waitFor({ timeout: 10000 });
    const ch = await page.$$eval('.plan .strip', (e) =>
      e.map((x) => [x.getAttribute('data-channel'), x.querySelector('.sname')!.textContent]),
    );
    for (const [n, name] of ch) expect(app.services.consoles.get('x32-main').get(`input/${n}/name`)).toBe(name);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'REAPER .RPP' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('session.RPP');
    const { readFileSync } = await import('node:fs');
    expect(readFileSync((await download.path())!, 'utf8')).toMatch(/^<REAPER_PROJECT/);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 30000);

  it('the page says when it is offline and reconnects by itself; keyboard only; a phone-sized screen', async () => {
    const { page, problems } = await open('/studio');
    await login(page);
    const conn = page.locator('header [role="status"]');
    await expect.poll(() => conn.textContent()).toBe('live');
    // the daemon drops every WebSocket (a restart, a network blip): the header says so, then recovers
    for (const c of app.api.websocketServer.clients) c.terminate();
    await expect.poll(() => conn.textContent(), { timeout: 5000 }).toMatch(/offline/);
    await expect.poll(() => conn.textContent(), { timeout: 10000 }).toBe('live');
    // keyboard: Tab to a page link and Enter moves there
    await page.keyboard.press('Tab');
    let guard = 0;
    while (!(await page.evaluate(() => document.activeElement?.textContent === 'Patching')) && guard++ < 20)
      await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Patching' }).waitFor();
    // a phone: the Studio page fits the width (no sideways scrolling of the page itself)
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'Studio' }).click(); // in the page: nothing in flight is cut off
    await page.locator('tr[data-device="x32-main"]').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(problems.filter((p) => !/WebSocket/.test(p))).toEqual([]);
    await page.context().close();
  }, 40000);

  it('meters move while a tone plays; the tuner shows the notes of two inputs at once', async () => {
    const { page, problems } = await open('/audio');
    await login(page);
    await page.locator('.bar[data-ch="1"]').waitFor();
    await page.getByLabel('Hz').fill('440');
    await page.getByRole('button', { name: 'Tone on/off' }).click();
    await waitFor(
      async () => Number(await page.locator('.bar[data-ch="1"]').getAttribute('data-peak')) > -30,
      5000,
      50,
    );
    // input 1's last 30 s as a graph (uPlot on a canvas)
    await page.getByRole('button', { name: 'history of input 1' }).click();
    await page.locator('.history[data-history="1"] canvas').waitFor();
    // a second tone, an octave down, on output 3: the tuner follows inputs 1 and 3 at once
    await app.inject({
      method: 'PUT',
      url: '/api/v1/audio/outputs/3',
      payload: { signal: { kind: 'sine', freq: 220, level_dbfs: -18 } },
    });
    await page.getByLabel('Tuner inputs').fill('1, 3');
    await page.getByRole('button', { name: 'Tune' }).click();
    await expect
      .poll(() => page.locator('output.tuner[data-input="1"]').getAttribute('data-note'), { timeout: 5000 })
      .toBe('A4');
    await expect
      .poll(() => page.locator('output.tuner[data-input="3"]').getAttribute('data-note'), { timeout: 5000 })
      .toBe('A3');
    await page.getByRole('button', { name: 'All tones off' }).click();
    expect(problems).toEqual([]);
    await page.context().close();
  }, 30000);
});
