import type { Bus } from '../../core/bus.ts';
import { fail } from '../../core/errors.ts';
import type { ConsoleState, LineVerdict, RestoreOptions, RestoreReport } from '../model.ts';
import type { CaptureOptions, X32Driver } from './driver.ts';
import {
  formatField,
  isUnvalidated,
  type Law,
  oscType,
  type Raw,
  rawToUnits,
  stepIndex,
  unvalidatedToken,
} from './laws.ts';
import { formatHeader, formatLeafLine, formatNodeLine, parseScene, type RawState, type SceneFile } from './scene.ts';
import type { X32Tree } from './schema.ts';

/** True when two raw values are the same setting (floats compared on the parameter's grid). */
export function sameRaw(law: Law, a: Raw | undefined, b: Raw | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (typeof a === 'number' && typeof b === 'number' && oscType(law) === 'f')
    return stepIndex(law, a) === stepIndex(law, b);
  return a === b;
}

/** What the scene functions need of the console: its wire, tree and live model. */
export type SceneContext = {
  id: string;
  driver: X32Driver;
  tree: X32Tree;
  model: RawState;
  bus: Pick<Bus, 'emit'>;
  capture: CaptureOptions;
  name: string;
};

const sceneNodePaths = (tree: X32Tree) => tree.nodes.filter((n) => tree.isSceneNode(n.path)).map((n) => n.path);

/** Every scene node read from the console now (pipelined /node), as scene text. */
export async function captureScene(
  ctx: SceneContext,
  opts: CaptureOptions & { name?: string; note?: string } = {},
): Promise<ConsoleState> {
  const r = await ctx.driver.captureNodes(sceneNodePaths(ctx.tree), { ...ctx.capture, ...opts });
  const lines = r.lines.filter((l): l is string => l !== undefined);
  const text = `${[formatHeader(opts.name ?? ctx.name, opts.note ?? ''), ...lines].join('\n')}\n`;
  return {
    family: 'x32',
    console: ctx.id,
    text,
    lines: lines.length,
    missing: r.missing,
    retries: r.retries,
    seconds: r.seconds,
  };
}

/** The live model as scene text (nodes whose every leaf the console has reported). */
export function modelScene(tree: X32Tree, model: RawState, name: string): string {
  const lines: string[] = [];
  for (const node of tree.nodes) {
    if (!tree.isSceneNode(node.path)) continue;
    if (!node.leaves.every((l) => model.has(`${node.path}/${l.name}`))) continue;
    lines.push(formatNodeLine(node, model));
  }
  return `${[formatHeader(name, ''), ...lines].join('\n')}\n`;
}

/**
 * Applies scene text: validates every line first (nothing is sent from a broken file unless
 * `partial`), writes with `/` lines, then reads every touched node back and compares.
 */
export async function applyScene(ctx: SceneContext, text: string, opts: RestoreOptions = {}): Promise<RestoreReport> {
  const t0 = performance.now();
  const { scene, problems } = parseScene(ctx.tree, text, { lenient: opts.trusted === true });
  if (problems.length > 0 && !opts.partial) {
    throw fail(
      'E_SCENE_INVALID',
      `scene has ${problems.length} broken line(s); nothing applied (use partial to apply the good lines): ${problems
        .slice(0, 5)
        .map((p) => `line ${p.line}: ${p.reason}`)
        .join('; ')}`,
      { problems },
    );
  }
  // a line carrying a token rad's tables do not know (only in rad's own, trusted captures): the
  // fields before it go on the node line, each valid field after it on its own leaf line; the
  // unknown one is never written back and stays as the console has it
  const kept: string[] = [];
  const split = (scene?.lines ?? []).flatMap((l) => {
    const firstBad = l.parsed.values.findIndex((v) => isUnvalidated(v.raw));
    if (firstBad < 0) return [l];
    const head = l.parsed.values.slice(0, firstBad);
    const out: SceneFile['lines'] = [];
    if (head.length > 0)
      out.push({
        lineNo: l.lineNo,
        text: `${l.parsed.path} ${head.map((v) => formatField(v.leaf.law, v.raw)).join(' ')}`,
        parsed: { path: l.parsed.path, node: l.parsed.node, values: head },
      });
    for (const v of l.parsed.values.slice(firstBad)) {
      if (isUnvalidated(v.raw)) kept.push(`${v.leaf.address} = ${unvalidatedToken(v.raw)} (unvalidated)`);
      else
        out.push({
          lineNo: l.lineNo,
          text: formatLeafLine(v.leaf, v.raw),
          parsed: { path: v.leaf.address, node: undefined, values: [v] },
        });
    }
    return out;
  });
  const lines = split.filter(
    (l) => !opts.onlyChanged || l.parsed.values.some((v) => !sameRaw(v.leaf.law, ctx.model.get(v.leaf.address), v.raw)),
  );
  const sent = await ctx.driver.sendSceneLines(
    lines.map((l) => l.text.trim()),
    ctx.capture,
  );
  const touched = [...new Set(lines.map((l) => l.parsed.node?.path ?? l.parsed.values[0]!.leaf.node.path))];
  await ctx.driver.captureNodes(touched, ctx.capture); // replies update the model through the console's node handler
  const verdicts: LineVerdict[] = lines.map((l, i) => {
    if (!sent.echoed[i]) return { line: l.lineNo, path: l.parsed.path, status: 'failed' };
    const diffs = l.parsed.values
      .filter((v) => !sameRaw(v.leaf.law, ctx.model.get(v.leaf.address), v.raw))
      .map((v) => ({
        address: v.leaf.address,
        wanted: String(rawToUnits(v.leaf.law, v.raw)),
        got: String(rawToUnits(v.leaf.law, ctx.model.get(v.leaf.address) ?? '')),
      }));
    return diffs.length === 0
      ? { line: l.lineNo, path: l.parsed.path, status: 'verified' }
      : { line: l.lineNo, path: l.parsed.path, status: 'mismatched', diffs };
  });
  const count = (s: LineVerdict['status']) => verdicts.filter((v) => v.status === s).length;
  const report: RestoreReport = {
    applied: sent.echoed.filter(Boolean).length,
    verified: count('verified'),
    mismatched: count('mismatched'),
    failed: count('failed'),
    skipped: problems,
    lines: verdicts,
    not_taken: verdicts
      .filter((l) => l.status !== 'verified')
      .map(
        (l) =>
          `${l.path}${l.diffs ? `: ${l.diffs.map((d) => `${d.address} wanted ${d.wanted} got ${d.got}`).join(', ')}` : ` ${l.status}`}`,
      ),
    ...(kept.length ? { kept } : {}),
    seconds: (performance.now() - t0) / 1000,
  };
  ctx.bus.emit('device.write', {
    actor: opts.actor ?? 'api',
    device: ctx.id,
    action: 'apply-scene',
    value: { lines: lines.length },
    result: report.failed + report.mismatched === 0 && problems.length === 0 ? 'ok' : 'partial',
    detail: `applied ${report.applied}, verified ${report.verified}, mismatched ${report.mismatched}, failed ${report.failed}, skipped ${problems.length}`,
  });
  return report;
}
