import { WavReader, WavWriter } from './wav.ts';

export type SilenceOptions = {
  /** Peak threshold in dBFS: a 1 ms hop whose peak reaches it is sound. */
  thresholdDb: number;
  /** Regions shorter than this are dropped (ms). */
  minRegionMs: number;
  /** Gaps shorter than this are bridged (ms). */
  minGapMs: number;
  preMs: number;
  postMs: number;
  fadeMs: number;
};

export const SILENCE_DEFAULTS: SilenceOptions = {
  thresholdDb: -50,
  minRegionMs: 100,
  minGapMs: 250,
  preMs: 10,
  postMs: 50,
  fadeMs: 5,
};

export type Region = { start: number; end: number; start_s: number; end_s: number };

const HOP_MS = 1;

/** Per-hop peak (1 ms hops, max over channels), streamed from the file in blocks. */
export function hopPeaks(
  path: string,
  onProgress?: (f: number) => void,
): { peaks: Float32Array; hop: number; info: WavReader['info'] } {
  const r = new WavReader(path);
  const hop = Math.max(1, Math.round((r.info.sampleRate * HOP_MS) / 1000));
  const peaks = new Float32Array(Math.ceil(r.info.frames / hop));
  let h = 0;
  let inHop = 0;
  let cur = 0;
  try {
    for (let block = r.read(hop * 1024); block; block = r.read(hop * 1024)) {
      const n = block[0]!.length;
      for (let i = 0; i < n; i++) {
        for (const ch of block) {
          const v = ch[i]!;
          const a = v < 0 ? -v : v;
          if (a > cur) cur = a;
        }
        if (++inHop === hop) {
          peaks[h++] = cur;
          cur = 0;
          inHop = 0;
        }
      }
      onProgress?.(r.position / r.info.frames);
    }
    if (inHop > 0) peaks[h] = cur;
  } finally {
    r.close();
  }
  return { peaks, hop, info: r.info };
}

/** Sound regions from hop peaks: threshold, bridge short gaps, drop short regions, pad. */
export function findRegions(
  peaks: Float32Array,
  hop: number,
  sampleRate: number,
  frames: number,
  o: SilenceOptions,
): Region[] {
  const thr = 10 ** (o.thresholdDb / 20);
  const hopsPerMs = 1 / HOP_MS;
  const raw: Array<[number, number]> = [];
  let start = -1;
  for (let i = 0; i < peaks.length; i++) {
    const on = peaks[i]! >= thr;
    if (on && start < 0) start = i;
    if (!on && start >= 0) {
      raw.push([start, i]);
      start = -1;
    }
  }
  if (start >= 0) raw.push([start, peaks.length]);
  const merged: Array<[number, number]> = [];
  for (const r of raw) {
    const last = merged[merged.length - 1];
    if (last && r[0] - last[1] < o.minGapMs * hopsPerMs) last[1] = r[1];
    else merged.push([...r]);
  }
  const ms = (x: number) => Math.round((x * sampleRate) / 1000);
  const out: Region[] = [];
  for (const [a, b] of merged) {
    if ((b - a) / hopsPerMs < o.minRegionMs) continue;
    const s = Math.max(0, a * hop - ms(o.preMs));
    const e = Math.min(frames, b * hop + ms(o.postMs));
    const last = out[out.length - 1];
    if (last && s <= last.end) {
      last.end = e;
      last.end_s = e / sampleRate;
    } else out.push({ start: s, end: e, start_s: s / sampleRate, end_s: e / sampleRate });
  }
  return out;
}

/** Renders the file with everything outside the regions replaced by digital silence (same length, faded edges). */
export function renderRegions(
  input: string,
  output: string,
  regions: Region[],
  fadeMs: number,
  onProgress?: (f: number) => void,
): ReturnType<WavWriter['close']> {
  const r = new WavReader(input);
  const w = new WavWriter(output, {
    sampleRate: r.info.sampleRate,
    channels: r.info.channels,
    format: r.info.format,
    extraChunks: r.info.extraChunks,
  });
  const fade = Math.max(1, Math.round((fadeMs * r.info.sampleRate) / 1000));
  let ri = 0;
  try {
    for (let pos = r.position, block = r.read(65536); block; pos = r.position, block = r.read(65536)) {
      const n = block[0]!.length;
      for (let i = 0; i < n; i++) {
        const t = pos + i;
        while (ri < regions.length && regions[ri]!.end <= t) ri++;
        const reg = regions[ri];
        let g = 0;
        if (reg && t >= reg.start) g = Math.min(1, (t - reg.start + 1) / fade, (reg.end - t) / fade);
        if (g !== 1) for (const ch of block) ch[i]! *= g;
      }
      w.write(block);
      onProgress?.(r.position / r.info.frames);
    }
  } catch (e) {
    w.abort();
    throw e;
  } finally {
    r.close();
  }
  return w.close();
}

export function regionsCsv(regions: Region[]): string {
  return `region,start_s,end_s,start_sample,end_sample\n${regions.map((r, i) => `${i + 1},${r.start_s.toFixed(6)},${r.end_s.toFixed(6)},${r.start},${r.end}`).join('\n')}\n`;
}

/** REAPER items (paste into a track of a project) for each region of the source file. */
export function regionsReaperItems(regions: Region[], source: string): string {
  return regions
    .map(
      (r, i) =>
        `<ITEM\n  POSITION ${r.start_s.toFixed(6)}\n  LENGTH ${(r.end_s - r.start_s).toFixed(6)}\n  SOFFS ${r.start_s.toFixed(6)}\n  NAME "region ${i + 1}"\n  <SOURCE WAVE\n    FILE "${source}"\n  >\n>`,
    )
    .join('\n');
}
