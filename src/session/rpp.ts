import type { LayoutPlan, PlanChannel } from '../layout/plan.ts';

/** X32 colour names → RGB for the DAW. */
const RGB: Record<string, [number, number, number]> = {
  OFF: [96, 96, 96],
  RD: [220, 50, 47],
  GN: [64, 180, 80],
  YE: [230, 200, 40],
  BL: [50, 110, 220],
  MG: [200, 60, 180],
  CY: [40, 190, 200],
  WH: [230, 230, 230],
};

function peakcol(colour: string): number {
  const [r, g, b] = RGB[colour.replace(/i$/, '')] ?? RGB.WH!;
  return 0x1000000 | (b << 16) | (g << 8) | r; // REAPER: native RGB (BGR on Windows) | custom-colour flag
}

const q = (s: string) => `"${s.replace(/"/g, "'")}"`;

/**
 * A REAPER project (.RPP, plain text) from a layout plan: one folder track per family as a
 * divider, tracks named and coloured as on the console, record input = the channel's card
 * output (mono input index channel-1 + offset), optionally armed.
 */
export function renderRpp(
  plan: LayoutPlan,
  opts: { dividers?: boolean; recordArm?: boolean; inputOffset?: number; title?: string; sampleRate?: number } = {},
): string {
  const dividers = opts.dividers ?? true;
  const lines: string[] = [
    `<REAPER_PROJECT 0.1 "7.0/linux-x86_64" 0`,
    `  TITLE ${q(opts.title ?? plan.profile)}`,
    '  TEMPO 120 4 4',
    `  SAMPLERATE ${opts.sampleRate ?? 48000} 0 0`,
  ];
  const track = (name: string, colour: string, isbus: string, rec?: PlanChannel) => {
    lines.push('  <TRACK', `    NAME ${q(name)}`, `    PEAKCOL ${peakcol(colour)}`, `    ISBUS ${isbus}`);
    if (rec)
      lines.push(
        `    REC ${opts.recordArm ? 1 : 0} ${rec.channel - 1 + (opts.inputOffset ?? 0)} 1 0 0 0 0`,
        '    NCHAN 2',
        `    TRACKID {rad-ch-${rec.channel}}`,
      );
    lines.push('  >');
  };
  // group consecutive channels of one family under a folder
  const groups: Array<{ family: string; divider: string; colour: string; channels: PlanChannel[] }> = [];
  for (const c of plan.channels) {
    const g = groups[groups.length - 1];
    if (g && g.family === c.family) g.channels.push(c);
    else groups.push({ family: c.family, divider: c.divider, colour: c.colour, channels: [c] });
  }
  for (const g of groups) {
    if (dividers) track(g.divider, g.colour, '1 1');
    for (const [i, c] of g.channels.entries())
      track(c.name, c.colour, dividers && i === g.channels.length - 1 ? '2 -1' : '0 0', c);
  }
  lines.push('>');
  return `${lines.join('\n')}\n`;
}

export type RppTrack = { name: string; depth: number; folder: boolean; recInput?: number; armed?: boolean };

/** Reads back the tracks of an .RPP (names, folder structure, record inputs): for tests and checks. */
export function parseRpp(text: string): RppTrack[] {
  const tracks: RppTrack[] = [];
  let depth = 0;
  let cur: (RppTrack & { delta: number }) | undefined;
  for (const raw of text.split('\n')) {
    const l = raw.trim();
    if (l === '<TRACK' || l.startsWith('<TRACK ')) cur = { name: '', depth, folder: false, delta: 0 };
    else if (cur && l.startsWith('NAME ')) cur.name = l.slice(5).replace(/^"|"$/g, '');
    else if (cur && l.startsWith('ISBUS ')) {
      const [a, b] = l.slice(6).split(' ').map(Number);
      cur.folder = a === 1;
      cur.delta = b ?? 0;
    } else if (cur && l.startsWith('REC ')) {
      const f = l.slice(4).split(' ').map(Number);
      cur.armed = f[0] === 1;
      cur.recInput = f[1];
    } else if (cur && l === '>') {
      const { delta, ...t } = cur;
      tracks.push(t);
      depth += delta;
      cur = undefined;
    }
  }
  if (depth !== 0) throw new Error(`folder structure does not close (depth ${depth})`);
  return tracks;
}
