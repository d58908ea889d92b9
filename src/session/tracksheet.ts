import type { LayoutPlan } from '../layout/plan.ts';

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

const COLUMNS = [
  'channel',
  'name',
  'source',
  'stage_input',
  'role',
  'device',
  'phantom',
  'hpf',
  'colour',
  'dca',
  'confidence',
] as const;

export function trackSheetCsv(plan: LayoutPlan): string {
  const rows = plan.channels.map((c) => [
    c.channel,
    c.name,
    c.source,
    c.stage_input,
    c.role,
    c.device,
    c.phantom ? '48V' : '',
    c.hpf ?? '',
    c.colour,
    c.dca.join(' '),
    c.confidence,
  ]);
  return `${[COLUMNS.join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\n')}\n`;
}

const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The track sheet table alone (for embedding, e.g. in the mix book). */
export function trackSheetTable(plan: LayoutPlan): string {
  const rows = plan.channels
    .map(
      (c) =>
        `<tr class="c-${esc(c.colour.replace(/i$/, ''))}"><td>${c.channel}</td><td><b>${esc(c.name)}</b></td><td>${esc(c.source)}</td><td>${c.stage_input}</td><td>${esc(c.role)}</td><td>${esc(c.device)}</td><td>${c.phantom ? '48V' : ''}</td><td>${c.hpf ?? ''}</td><td>${esc(c.dca.join(' '))}</td></tr>`,
    )
    .join('\n');
  return `<table><thead><tr><th>Ch</th><th>Name</th><th>Source</th><th>Stage in</th><th>Role</th><th>Mic/DI</th><th>Phantom</th><th>HPF</th><th>DCA</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
}

/** A self-contained HTML track sheet (no external assets), printable. */
export function trackSheetHtml(plan: LayoutPlan, title = `Track sheet — ${plan.profile}`): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:13px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:3px 6px;text-align:left}
th{background:#eee}.c-RD td:first-child{border-left:8px solid #dc322f}.c-GN td:first-child{border-left:8px solid #40b450}.c-YE td:first-child{border-left:8px solid #e6c828}
.c-BL td:first-child{border-left:8px solid #326edc}.c-MG td:first-child{border-left:8px solid #c83cb4}.c-CY td:first-child{border-left:8px solid #28bec8}.c-WH td:first-child{border-left:8px solid #ccc}
</style></head><body>
<h1>${esc(title)}</h1>
${trackSheetTable(plan)}
${plan.warnings.length ? `<h2>Notes</h2><ul>${plan.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : ''}
</body></html>
`;
}
