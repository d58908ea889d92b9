import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { startSimApp } from '../helpers.ts';

describe('mix book', () => {
  let app: App;
  beforeAll(async () => {
    app = await startSimApp({ profiles_dir: new URL('../../config/profiles', import.meta.url).pathname });
  });
  afterAll(async () => app.stop());

  it('writes HTML with every version and its recall page, and a PDF rendered by headless Chromium', async () => {
    const rec = app.services;
    await app.services.consoles.get('x32-main').write([
      { path: 'input/1/name', value: 'Kick In' },
      { path: 'input/1/fader', value: -6 },
    ]);
    const snap = await rec.snapshots.take('final mix');
    rec.gear.createVersion('Song A final', snap.id, 'approved by the artist');
    const unit = rec.gear.add({
      make: 'Universal Audio',
      model: '1176LN',
      serial: 'A123',
      patched_at: 'bay-a:top:30',
      controls: [{ name: 'input', kind: 'knob', min: 0, max: 48 }],
    });
    rec.gear.setSettings('Song A final', unit.id, { input: 24 });
    // relative: the book lands in the exports folder (data_dir/exports by default)
    const out = join(app.settings.data_dir, 'exports', 'book');
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/mixbook',
      payload: {
        project: 'The Album',
        artist: 'The Band',
        out: 'book',
        credits: ['Mixed by A. Engineer'],
        inputs: 'Ch,Source\n1,Kick In\n2,Ld Vox\n',
        profile: 'rock-standard',
      },
    });
    expect(r.statusCode).toBe(200);
    const html = readFileSync(join(out, 'mixbook.html'), 'utf8');
    expect(html).toContain('<h1>The Album</h1>');
    expect(html).toContain('Song A final');
    expect(html).toContain('approved by the artist');
    expect(html).toContain('Ch 01 Kick In: name &quot;&quot; → &quot;Kick In&quot;');
    expect(html).toContain('Universal Audio 1176LN');
    expect(html).toContain('<h2>Track sheet</h2>');
    expect(html).toContain('<td><b>Lead Vox</b></td>');
    expect(html).not.toMatch(/<(script|link)\b/); // self-contained
    // .ci/run installs Chromium; the PDF is rendered from the same HTML
    expect(r.json().pdf).toBe(join(out, 'mixbook.pdf'));
    expect(readFileSync(join(out, 'mixbook.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    const pages = execFileSync('pdfinfo', [join(out, 'mixbook.pdf')], { encoding: 'utf8' });
    expect(Number(/Pages:\s+(\d+)/.exec(pages)![1])).toBeGreaterThanOrEqual(2);
  }, 90000);
});
