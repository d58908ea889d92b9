import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { writeFileAtomic } from '../../core/atomic.ts';
import type { RestoreReport, SnapshotSummary } from '../../recall/snapshots.ts';
import type { StripDiff } from '../../console/state.ts';
import { DaemonClient } from '../client.ts';
import { CliError, printJson } from '../output.ts';

type Conn = { url?: string; token?: string; config?: string; json?: boolean };
const conn = (c: Command) =>
  c
    .option('--url <url>', 'daemon URL')
    .option('--token <token>', 'API token')
    .option('-c, --config <file>', 'settings file to find the daemon from')
    .option('--json', 'print JSON');

export function recallCommands(program: Command): void {
  const snap = program.command('snapshot').description('recall snapshots of the console and patchbays');
  conn(
    snap
      .command('take')
      .option('--label <label>', 'label', `snapshot ${new Date().toISOString().slice(0, 16)}`)
      .option('--note <text>', 'note'),
  ).action(async (o: Conn & { label: string; note?: string }) => {
    const r = await new DaemonClient(o).request<SnapshotSummary & { lines: number; missing: string[] }>(
      'POST',
      '/api/v1/snapshots',
      { label: o.label, note: o.note },
    );
    if (o.json) return printJson(r);
    process.stdout.write(
      `${r.id}  ${r.label}: ${r.lines} console lines${r.missing.length ? ` (${r.missing.length} MISSING)` : ''}, patchbays ${r.patchbays.join(', ') || 'none'}\n`,
    );
  });
  conn(snap.command('list')).action(async (o: Conn) => {
    const r = await new DaemonClient(o).request<{ snapshots: SnapshotSummary[] }>('GET', '/api/v1/snapshots');
    if (o.json) return printJson(r);
    for (const s of r.snapshots) process.stdout.write(`${s.id}  ${s.created_at}  ${s.origin.padEnd(7)} ${s.label}\n`);
  });
  conn(
    snap
      .command('diff')
      .argument('<a>', 'snapshot id or label')
      .argument('[b]', "snapshot id or label, or 'live'", 'live'),
  ).action(async (a: string, b: string, o: Conn) => {
    const r = await new DaemonClient(o).request<{
      strips: StripDiff[];
      patchbays: Array<{ id: string; output: number; from: number | null; to: number | null }>;
    }>('GET', `/api/v1/snapshots/diff?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
    if (o.json) return printJson(r);
    for (const s of r.strips) process.stdout.write(`${s.text}\n`);
    for (const p of r.patchbays)
      process.stdout.write(`${p.id} output ${p.output}: ${p.from ?? 'none'} → ${p.to ?? 'none'}\n`);
    if (r.strips.length + r.patchbays.length === 0) process.stdout.write('no differences\n');
  });
  conn(snap.command('restore').argument('<id>', 'snapshot id or label')).action(async (id: string, o: Conn) => {
    const r = await new DaemonClient(o).request<RestoreReport>(
      'POST',
      `/api/v1/snapshots/${encodeURIComponent(id)}/restore`,
    );
    if (o.json) return printJson(r);
    process.stdout.write(
      `console: ${r.console.applied} lines written, ${r.console.verified} verified, ${r.console.mismatched} mismatched, ${r.console.failed} failed (${r.seconds.toFixed(2)} s)\n`,
    );
    for (const n of r.console.not_taken) process.stdout.write(`  not taken: ${n}\n`);
    for (const p of r.patchbays)
      process.stdout.write(`${p.id}: ${p.verified ? 'verified' : `NOT restored: ${p.error}`}\n`);
    if (r.console.mismatched + r.console.failed > 0 || r.patchbays.some((p) => !p.verified)) process.exitCode = 1;
  });

  const scene = program.command('scene').description('X32 scene files');
  conn(scene.command('export').argument('<id>', 'snapshot id or label').argument('<file>', '.scn to write')).action(
    async (id: string, file: string, o: Conn) => {
      const client = new DaemonClient(o);
      writeFileAtomic(file, await client.text(`/api/v1/snapshots/${encodeURIComponent(id)}/scene`));
      if (o.json) return printJson({ file });
      process.stdout.write(`${file}\n`);
    },
  );
  conn(
    scene
      .command('import')
      .argument('<file>', '.scn to import')
      .option('--label <label>', 'label (default: the file name)'),
  ).action(async (file: string, o: Conn & { label?: string }) => {
    let text: string;
    try {
      text = readFileSync(file, 'latin1');
    } catch (e) {
      throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code}`, 2, 'E_FILE');
    }
    const r = await new DaemonClient(o).request<SnapshotSummary>('POST', '/api/v1/scenes/import', {
      text,
      label: o.label ?? file.split('/').pop()!,
    });
    if (o.json) return printJson(r);
    process.stdout.write(`${r.id}  ${r.label} (imported)\n`);
  });
}
