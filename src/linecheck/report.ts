import type { RunRecord } from './service.ts';

const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A self-contained HTML page of a run (no external assets), for the wall or the client. */
export function lineCheckHtml(run: RunRecord): string {
  const rows = run.results
    .map(
      (r) =>
        `<tr class="${r.verdict === 'pass' ? 'ok' : 'bad'}"><td>${esc(r.path)}</td><td>${esc(r.source)}</td><td>${esc(r.input)}</td><td><b>${esc(r.verdict)}</b></td><td>${r.level_dbfs ?? ''}</td><td>${r.latency_samples ?? ''}</td><td>${esc(r.method === 'console-meters' ? 'console meters' : r.method === 'interface' ? 'interface' : '')}</td><td>${esc([...r.findings, ...(r.not_measured?.length ? [`not measured: ${r.not_measured.join(', ')}`] : [])].join('; '))}</td></tr>`,
    )
    .join('\n');
  const summary = Object.entries(run.summary ?? {})
    .map(([k, v]) => `${esc(k)}: ${v}`)
    .join(' · ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Line check ${esc(run.started_at)}</title>
<style>body{font:13px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%}th,td{border:1px solid #aaa;padding:3px 6px;text-align:left}
th{background:#eee}tr.ok td:nth-child(4){color:#176f2c}tr.bad td:nth-child(4){color:#b00020}</style></head><body>
<h1>Line check${run.options.target === 'outputs' ? ' — console outputs (oscillator)' : ''}</h1><p>Started ${esc(run.started_at)}, ${esc(run.state)} in ${run.seconds?.toFixed(2) ?? '?'} s. ${summary}</p>
<table><thead><tr><th>Path</th><th>Source</th><th>${run.options.target === 'outputs' ? 'Interface input' : 'Console input'}</th><th>Verdict</th><th>Level dBFS</th><th>Latency</th><th>Measured at</th><th>Findings</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`;
}
