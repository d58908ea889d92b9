// The studio page as a control-room screen gets it: the daemon on config/studio.yaml as shipped
// (spawned, built bundle), Debian's Chromium through playwright-core on loopback.
//  - first load of the Studio page: navigation → the device table filled from the API (median
//    of 10 fresh loads, cache disabled), and the browser's own domInteractive;
//  - what the page costs to fetch: JS + CSS gzipped;
//  - the Audio page with every input's meter (82 on the shipped studio) updating at 20 Hz over the
//    WebSocket while tones play: frame times from requestAnimationFrame over 5 s.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { chromiumPath } from '../src/recall/mixbook.ts';
import { report } from './_report.ts';

const root = new URL('..', import.meta.url).pathname;
const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) throw new Error('build failed');
const exe = chromiumPath();
if (!exe) throw new Error('Chromium is not installed (apt-get install chromium)');
const dir = mkdtempSync(join(tmpdir(), 'rad-bench-web-'));
const daemon = spawn(
  process.execPath,
  [join(root, 'bin/rad.mjs'), 'start', '--config', join(root, 'config/studio.yaml')],
  { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, RAD_DATA_DIR: join(dir, 'data'), RAD_API_PORT: '0' } },
);
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const pct = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * p))]!;
const r1 = (x: number) => Math.round(x * 10) / 10;
const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-gpu'] });
try {
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    daemon.stderr.on('data', (d) => {
      err += d;
      const m = /"api":"([^"]+)"[^\n]*"msg":"ready"/.exec(err);
      if (m) resolve(m[1]!);
    });
    daemon.on('exit', (c) => reject(new Error(`daemon exited ${c}: ${err.slice(-1500)}`)));
  });
  const token = readFileSync(join(dir, 'data', 'token'), 'utf8').trim();
  const js = readFileSync(join(root, 'dist/web/app.js'));
  const css = readFileSync(join(root, 'dist/web/styles.css'));
  const gz = gzipSync(js).length + gzipSync(css).length;

  const ctx = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await ctx.newPage();
  await page.goto(`${url}/login`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Pages' }).waitFor();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });

  const loads: number[] = [];
  const interactive: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    await page.goto(`${url}/studio`);
    await page.locator('tr[data-device="x32-main"] .state').waitFor();
    loads.push(performance.now() - t0);
    interactive.push(
      await page.evaluate(
        () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domInteractive,
      ),
    );
  }
  console.log(
    `Studio page, fresh load to the device table: median ${median(loads).toFixed(0)} ms (max ${Math.max(...loads).toFixed(0)}); domInteractive median ${median(interactive).toFixed(0)} ms; JS+CSS ${(gz / 1024).toFixed(1)} KB gzipped`,
  );

  // the Audio page: tones on 8 outputs so meters move, then frame times for 5 s
  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  for (let o = 1; o <= 8; o++)
    await api('PUT', `/api/v1/audio/outputs/${o}`, { signal: { kind: 'sine', freq: 200 * o, level_dbfs: -18 - o } });
  let meterFrames = 0;
  await cdp.send('Network.enable');
  cdp.on('Network.webSocketFrameReceived', (e) => {
    if (e.response.payloadData.includes('"audio.meters"')) meterFrames++;
  });
  await page.goto(`${url}/audio`);
  await page.locator('.bar[data-ch="1"]').waitFor();
  const meters = await page.locator('.bar[data-ch]').count();
  await page.waitForTimeout(1000);
  const frames0 = meterFrames;
  // as a string: tsx would add its own helpers to a function's source, which the page lacks
  const frames = (await page.evaluate(`new Promise((resolve) => {
    const dt = [];
    let updates = 0;
    const bar = document.querySelector('.bar[data-ch="1"]');
    let last = performance.now();
    let lastPeak = bar && bar.dataset.peak;
    const t0 = last;
    const f = (now) => {
      dt.push(now - last);
      last = now;
      if (bar && bar.dataset.peak !== lastPeak) { updates++; lastPeak = bar.dataset.peak; }
      if (now - t0 < 5000) requestAnimationFrame(f); else resolve({ dt, updates });
    };
    requestAnimationFrame(f);
  })`)) as { dt: number[]; updates: number };
  const meterMessages = meterFrames - frames0;
  await api('DELETE', '/api/v1/audio/outputs');
  const mean = frames.dt.reduce((a, b) => a + b, 0) / frames.dt.length;
  const fps = 1000 / mean;
  const long = frames.dt.filter((d) => d > 1000 / 30).length;
  console.log(
    `Audio page, ${meters} meters at 20 Hz: ${fps.toFixed(1)} fps, frame time p99 ${pct(frames.dt, 0.99).toFixed(1)} ms, ${long} frames over 33 ms in ${frames.dt.length}; ${meterMessages} meter messages (all ${meters} channels each) in 5 s`,
  );
  report({
    bench: 'web',
    models: 'config/studio.yaml as shipped (spawned bundle), Chromium (playwright-core) on loopback, 1024×768',
    studio_load_ms: Math.round(median(loads)),
    studio_load_max_ms: Math.round(Math.max(...loads)),
    dom_interactive_ms: Math.round(median(interactive)),
    js_css_gzip_kb: r1(gz / 1024),
    audio_meters: meters,
    audio_fps: r1(fps),
    audio_frame_p99_ms: r1(pct(frames.dt, 0.99)),
    audio_frames_over_33ms: long,
    meter_messages_5s: meterMessages,
    goal: { studio_load_ms: 300, js_css_gzip_kb: 150, audio_fps: 60 },
  });
} finally {
  await browser.close();
  daemon.kill('SIGTERM');
  await new Promise((r) => daemon.on('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
