import { FieldParseError, formatField, parseField, type Raw, splitFields, unvalidatedRaw } from './laws.ts';
import type { Leaf, NodeSpec, X32Tree } from './schema.ts';

/** Node lines and scene files (x32-osc.md §4, x32-scene.md §2). Pure functions over a raw state. */

export type RawState = Map<string, Raw>;
export type LineValue = { leaf: Leaf; raw: Raw };
export type ParsedLine = {
  path: string;
  node: NodeSpec | undefined;
  values: LineValue[];
  /** Lenient parsing only: tokens kept verbatim because rad's tables do not know them. */
  unvalidated?: Array<{ leaf: Leaf; token: string; reason: string }>;
};

/**
 * strict: files a user imports, writes (every token must be valid). lenient: what a console
 * sends and rad's own snapshots of it: each token parsed on its own, an unknown one kept
 * verbatim (unvalidated), extra tokens ignored; the rest of the line stays usable.
 */
export type ParseMode = { lenient?: boolean };

export class SceneLineError extends Error {
  readonly code = 'E_SCENE_LINE';
  constructor(
    message: string,
    readonly lineNo?: number,
  ) {
    super(lineNo === undefined ? message : `line ${lineNo}: ${message}`);
  }
}

export function initialState(tree: X32Tree): RawState {
  const state: RawState = new Map();
  for (const node of tree.nodes) {
    for (const v of parseNodeLine(tree, `${node.path} ${node.init}`).values) state.set(v.leaf.address, v.raw);
  }
  return state;
}

export function formatNodeLine(node: NodeSpec, state: ReadonlyMap<string, Raw>): string {
  let line = node.path;
  for (const spec of node.leaves) {
    const raw = state.get(`${node.path}/${spec.name}`);
    line += ` ${raw === undefined ? '?' : formatField(spec.law, raw)}`;
  }
  return line;
}

export function formatLeafLine(leaf: Leaf, raw: Raw): string {
  return `${leaf.address} ${formatField(leaf.law, raw).trimStart()}`;
}

/**
 * Parses `/ch/01/mix ON -3.5` (a node with its first n fields) or `/ch/01/mix/fader -3.5`
 * (a single leaf). A leading `/` is optional. Throws SceneLineError with the reason.
 */
export function parseNodeLine(tree: X32Tree, line: string, mode: ParseMode = {}): ParsedLine {
  let fields: string[];
  try {
    fields = splitFields(line.trim());
  } catch (e) {
    throw new SceneLineError((e as Error).message);
  }
  if (fields.length === 0) throw new SceneLineError('empty line');
  const path = fields[0]!.startsWith('/') ? fields[0]! : `/${fields[0]}`;
  const tokens = fields.slice(1);
  const node = tree.nodeByPath.get(path);
  const unvalidated: NonNullable<ParsedLine['unvalidated']> = [];
  const value = (leaf: Leaf, tok: string): Raw => {
    if (!mode.lenient) return parseTok(leaf, tok);
    try {
      return parseTok(leaf, tok);
    } catch (e) {
      unvalidated.push({ leaf, token: tok, reason: (e as Error).message });
      return unvalidatedRaw(tok);
    }
  };
  if (node) {
    if (tokens.length > node.leaves.length && !mode.lenient)
      throw new SceneLineError(`${path} takes at most ${node.leaves.length} values, got ${tokens.length}`);
    const values: LineValue[] = [];
    tokens.slice(0, node.leaves.length).forEach((tok, i) => {
      const leaf = tree.leafByAddress.get(`${path}/${node.leaves[i]!.name}`)!;
      values.push({ leaf, raw: value(leaf, tok) });
    });
    return { path, node, values, ...(unvalidated.length ? { unvalidated } : {}) };
  }
  const leaf = tree.leafByAddress.get(path);
  if (leaf) {
    if (tokens.length !== 1 && !(mode.lenient && tokens.length > 1))
      throw new SceneLineError(`${path} takes exactly one value, got ${tokens.length}`);
    return {
      path,
      node: undefined,
      values: [{ leaf, raw: value(leaf, tokens[0]!) }],
      ...(unvalidated.length ? { unvalidated } : {}),
    };
  }
  throw new SceneLineError(`unknown node ${path}`);
}

function parseTok(leaf: Leaf, tok: string): Raw {
  try {
    return parseField(leaf.law, tok);
  } catch (e) {
    if (e instanceof FieldParseError) throw new SceneLineError(`${leaf.address}: ${e.message}`);
    throw e;
  }
}

// ---- scene files ----

export type SceneHeader = { tag: string; name: string; note: string; safes: string; raw: string };
export type SceneFile = { header: SceneHeader; lines: Array<{ lineNo: number; text: string; parsed: ParsedLine }> };
export type SceneProblem = { line: number; reason: string };

const HEADER_RE = /^#([\d.]+)#\s+"([^"]*)"\s+"([^"]*)"\s+(%[01]+)\s+(\d+)\s*$/;

export function formatHeader(name: string, note = '', tag = '4.0'): string {
  const line = `#${tag}# "${name.slice(0, 16)}" "${note}" %000000000 1`;
  return line.length >= 127 ? line : line.padEnd(127);
}

/** Renders the whole state as a `.scn` file: 127-char header, 2117 node lines, final LF. */
export function formatScene(tree: X32Tree, state: ReadonlyMap<string, Raw>, name: string, note = ''): string {
  const out = [formatHeader(name, note)];
  for (const node of tree.nodes) if (tree.isSceneNode(node.path)) out.push(formatNodeLine(node, state));
  return `${out.join('\n')}\n`;
}

/** Parses a scene file, collecting every broken line with its number and reason. */
export function parseScene(
  tree: X32Tree,
  text: string,
  mode: ParseMode = {},
): { scene: SceneFile | undefined; problems: SceneProblem[] } {
  const problems: SceneProblem[] = [];
  const rows = text.split(/\r?\n/);
  if (rows.length > 0 && rows[rows.length - 1] === '') rows.pop();
  const first = rows[0] ?? '';
  const m = HEADER_RE.exec(first);
  let header: SceneHeader | undefined;
  if (m) header = { tag: m[1]!, name: m[2]!, note: m[3]!, safes: m[4]!, raw: first };
  else
    problems.push({
      line: 1,
      reason: `not a scene header (expected '#4.0# "name" "note" %000000000 1'): ${JSON.stringify(first.slice(0, 60))}`,
    });
  const lines: SceneFile['lines'] = [];
  for (let i = 1; i < rows.length; i++) {
    const text = rows[i]!;
    if (text.trim() === '' || text.startsWith('#')) continue;
    try {
      const parsed = parseNodeLine(tree, text, mode);
      if (parsed.path.startsWith('/-')) throw new SceneLineError(`${parsed.path} is not a scene node`);
      lines.push({ lineNo: i + 1, text, parsed });
    } catch (e) {
      problems.push({ line: i + 1, reason: (e as Error).message });
    }
  }
  return { scene: header ? { header, lines } : undefined, problems };
}
