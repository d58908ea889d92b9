import { diesWithParent } from '../core/child.ts';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic.ts';
import { stateFormat } from '../console/factory.ts';
import type { GearService } from './gear.ts';
import type { PrintRecord } from './prints.ts';
import type { SnapshotService } from './snapshots.ts';

const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export type MixBookInfo = { project: string; artist?: string; credits?: string[]; trackSheetHtml?: string };

/**
 * The mix book handed to the client and label: every version (date, duration, loudness, true
 * peak, checksum, notes), and per version a recall page (console settings that differ from an
 * initialised console, patchbay maps, outboard settings). Self-contained HTML; PDF through
 * headless Chromium when it is installed.
 */
export function renderMixBook(info: MixBookInfo, deps: { gear: GearService; snapshots: SnapshotService }): string {
  const versions = deps.gear.versions().map((v) => deps.gear.version(v.id));
  const rows = versions
    .map((v) => {
      const p = v.print as PrintRecord | null;
      return `<tr><td>${esc(v.name)}</td><td>${esc(v.created_at.slice(0, 16).replace('T', ' '))}</td><td>${p ? p.seconds.toFixed(1) : ''}</td><td>${p?.integrated_lufs ?? ''}</td><td>${p?.true_peak_dbtp ?? ''}</td><td class="mono">${esc(p?.sha256?.slice(0, 16) ?? '')}</td><td>${esc(v.notes)}</td></tr>`;
    })
    .join('\n');
  const recallPages = versions
    .map((v) => {
      let consoleSection = '<p>No console snapshot.</p>';
      let patchSection = '';
      if (v.snapshot) {
        const snap = deps.snapshots.get(v.snapshot);
        const strips = stateFormat(snap.family).fromInitial(snap.scene);
        consoleSection = strips.length
          ? `<ul>${strips.map((s) => `<li>${esc(s.text)}</li>`).join('')}</ul>`
          : '<p>Console at its initial settings.</p>';
        patchSection = Object.entries(snap.patch_maps)
          .map(
            ([id, map]) =>
              `<h4>${esc(id)}</h4><p class="mono">${
                map
                  .map((input, i) => (input === null ? '' : `${i + 1}←${input}`))
                  .filter(Boolean)
                  .join('  ') || '(nothing tied)'
              }</p>`,
          )
          .join('');
      }
      const sheet = deps.gear.recallSheet(v.id);
      const gear = sheet.units.length
        ? `<table><tr><th>Unit</th><th>Patched at</th><th>Settings</th></tr>${sheet.units
            .map(
              (u) =>
                `<tr><td>${esc(`${u.unit.make} ${u.unit.model}`)}${u.unit.serial ? ` (${esc(u.unit.serial)})` : ''}</td><td>${esc(u.unit.patched_at)}</td><td>${esc(
                  Object.entries(u.settings)
                    .map(([k, x]) => `${k} ${x}`)
                    .join(', '),
                )}</td></tr>`,
            )
            .join('')}</table>`
        : '<p>No outboard recorded.</p>';
      return `<section class="page"><h2>Recall — ${esc(v.name)}</h2><h3>Console (differences from an initialised desk)</h3>${consoleSection}<h3>Patchbays</h3>${patchSection || '<p>No patchbay maps.</p>'}<h3>Outboard</h3>${gear}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(info.project)} — mix book</title>
<style>
body{font:12px/1.4 system-ui,sans-serif;margin:2em;color:#111}h1{font-size:24px}table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{border:1px solid #999;padding:3px 6px;text-align:left;vertical-align:top}th{background:#eee}.mono{font-family:ui-monospace,monospace}
.page{page-break-before:always}
</style></head><body>
<h1>${esc(info.project)}</h1>
${info.artist ? `<p><b>Artist:</b> ${esc(info.artist)}</p>` : ''}
<p>Mix book printed ${esc(new Date().toISOString().slice(0, 10))} by rad.</p>
<h2>Versions</h2>
<table><thead><tr><th>Version</th><th>Date</th><th>Seconds</th><th>LUFS (int.)</th><th>dBTP</th><th>SHA-256</th><th>Notes</th></tr></thead><tbody>
${rows || '<tr><td colspan="7">No versions yet.</td></tr>'}
</tbody></table>
${info.credits?.length ? `<h2>Credits</h2><ul>${info.credits.map((c) => `<li>${esc(c)}</li>`).join('')}</ul>` : ''}
${info.trackSheetHtml ? `<section class="page"><h2>Track sheet</h2>${info.trackSheetHtml}</section>` : ''}
${recallPages}
</body></html>
`;
}

export function chromiumPath(): string | undefined {
  for (const c of ['chromium', 'chromium-browser', 'google-chrome']) {
    const r = spawnSync('which', [c], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return undefined;
}

/** Writes mixbook.html (and mixbook.pdf when Chromium is installed) into `outDir`. */
export function writeMixBook(html: string, outDir: string): { html: string; pdf?: string; pdf_skipped?: string } {
  mkdirSync(outDir, { recursive: true });
  const htmlPath = join(outDir, 'mixbook.html');
  writeFileAtomic(htmlPath, html);
  const chrome = chromiumPath();
  if (!chrome) return { html: htmlPath, pdf_skipped: 'Chromium is not installed (apt-get install chromium)' };
  const pdf = join(outDir, 'mixbook.pdf');
  const tmp = join(outDir, '.mixbook.pdf.tmp');
  const r = spawnSync(
    ...diesWithParent(chrome, [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${join(outDir, '.chromium')}`,
      `--print-to-pdf=${tmp}`,
      '--no-pdf-header-footer',
      `file://${htmlPath}`,
    ]),
    { timeout: 60000, stdio: 'ignore' },
  );
  if (r.status !== 0 || !existsSync(tmp))
    return { html: htmlPath, pdf_skipped: `Chromium could not print the PDF (exit ${r.status})` };
  renameSync(tmp, pdf);
  rmSync(join(outDir, '.chromium'), { recursive: true, force: true });
  return { html: htmlPath, pdf };
}
