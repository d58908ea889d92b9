import type { Measurement } from '../dsp/engine/protocol.ts';
import type { LinecheckSettings } from '../settings/schema.ts';
import type { CheckPath } from './paths.ts';

export type Verdict =
  | 'pass'
  | 'dead'
  | 'wrong-source'
  | 'polarity'
  | 'level'
  | 'crosstalk'
  | 'hum'
  | 'noise'
  | 'clipping'
  | 'latency'
  | 'stuck-crosspoint'
  | 'untestable';

export type PathResult = {
  path: string;
  source: string;
  input: string;
  verdict: Verdict;
  findings: string[];
  level_dbfs?: number;
  expected_dbfs?: number;
  arrived_from?: string;
  swapped_with?: string;
  crosstalk?: { from: string; db: number };
  latency_samples?: number;
  polarity?: 1 | -1;
  correlation?: number;
  hum_dbfs?: number;
  noise_dbfs?: number;
  reason?: string;
  /** How the path was measured: at an interface input (full analysis) or on the console's input meters only. */
  method?: 'interface' | 'console-meters';
  /** What the method could not measure. */
  not_measured?: string[];
};

/** What one round played: path name → tone frequency, and each tone's owner. */
export type RoundPlan = { tones: Map<string, number>; owner: Map<number, string> };

export type Evidence = {
  /** Per round, the measurement at each interface input. */
  rounds: Array<{ plan: RoundPlan; at: Map<number, Measurement> }>;
  /** The broadband pass: each path's measurement against its own injected noise. */
  xcorr: Map<string, Measurement>;
  stuck: Map<string, string>;
};

const PRESENT_DB = 40; // a tone within 40 dB of alignment is a signal, not leakage

/**
 * Names what is wrong with each path, from the tone rounds (identity, level, crosstalk, hum,
 * noise, clipping) and the broadband pass (latency, polarity). The first finding is the verdict.
 */
export function diagnose(
  paths: CheckPath[],
  ev: Evidence,
  cfg: LinecheckSettings,
  alignment: number,
  expectedLatency: number,
): PathResult[] {
  const results = new Map<string, PathResult>();
  for (const p of paths) {
    const base: PathResult = { path: p.name, source: p.source, input: p.input, verdict: 'pass', findings: [] };
    if (p.untestable) {
      results.set(p.name, {
        ...base,
        verdict: 'untestable',
        reason: p.untestable,
        findings: [`untestable: ${p.untestable}`],
      });
      continue;
    }
    const stuck = ev.stuck.get(p.name);
    const round = ev.rounds.find((r) => r.plan.tones.has(p.name))!;
    const m = round.at.get(p.measure!)!;
    const toneOf = (f: number) => m.tones.find((t) => t.freq === f)?.level_dbfs ?? Number.NEGATIVE_INFINITY;
    const own = toneOf(round.plan.tones.get(p.name)!);
    // the strongest other path's tone, in any round, at this input
    let foreign: { path: string; level: number } | undefined;
    for (const r of ev.rounds) {
      const mm = r.at.get(p.measure!);
      if (!mm) continue;
      for (const [f, owner] of r.plan.owner) {
        if (owner === p.name) continue;
        const lvl = mm.tones.find((t) => t.freq === f)?.level_dbfs ?? Number.NEGATIVE_INFINITY;
        if (!foreign || lvl > foreign.level) foreign = { path: owner, level: lvl };
      }
    }
    const f: string[] = [];
    const r: PathResult = { ...base, level_dbfs: round3(own), expected_dbfs: alignment };
    if (stuck) f.push(`stuck-crosspoint: ${stuck}`);
    const ownPresent = own > alignment - PRESENT_DB;
    const foreignPresent = foreign !== undefined && foreign.level > alignment - PRESENT_DB;
    if (!ownPresent && foreignPresent) {
      r.arrived_from = foreign!.path;
      f.push(`wrong-source: ${foreign!.path}'s tone arrives at ${foreign!.level.toFixed(1)} dBFS instead`);
    } else if (!ownPresent)
      f.push(
        `dead: nothing arrives (tone at ${Number.isFinite(own) ? own.toFixed(1) : '-inf'} dBFS, rms ${m.rms_dbfs} dBFS)`,
      );
    else {
      const h3 =
        m.tones.find((t) => t.freq === 3 * round.plan.tones.get(p.name)!)?.level_dbfs ?? Number.NEGATIVE_INFINITY;
      // a flat-topped sine reads louder (AES17 RMS) than its own peak; a clean one reads equal
      const flatTop = m.rms_dbfs - m.peak_dbfs;
      if (m.clipped_samples > 0 || h3 - own > -40 || flatTop > 0.5)
        f.push(
          `clipping: ${m.clipped_samples} samples at full scale, peak ${m.peak_dbfs} dBFS under the RMS ${m.rms_dbfs} dBFS${Number.isFinite(h3) ? `, 3rd harmonic ${(h3 - own).toFixed(1)} dB` : ''}`,
        );
      if (Math.abs(own - alignment) > cfg.tolerance_db)
        f.push(`level: ${own.toFixed(2)} dBFS, expected ${alignment} ±${cfg.tolerance_db}`);
      const x = ev.xcorr.get(p.name);
      if (x && x.correlation !== undefined) {
        r.latency_samples = x.latency_samples;
        r.polarity = x.polarity;
        r.correlation = x.correlation;
        if (x.correlation < -0.5) f.push(`polarity: inverted (r = ${x.correlation})`);
        if (
          Math.abs(x.correlation) >= 0.5 &&
          Math.abs((x.latency_samples ?? 0) - expectedLatency) > cfg.latency_tolerance_samples
        )
          f.push(
            `latency: ${x.latency_samples} samples, expected ${expectedLatency} ±${cfg.latency_tolerance_samples}`,
          );
      }
      // a foreign tone counts only where it stands clear of the noise floor (20 dB in its bin)
      if (foreign && foreign.level - own > cfg.crosstalk_db && foreign.level - m.noise_floor_dbfs > 20) {
        r.crosstalk = { from: foreign.path, db: round3(foreign.level - own) };
        f.push(`crosstalk: ${foreign.path} leaks in at ${(foreign.level - own).toFixed(1)} dB`);
      }
    }
    r.hum_dbfs = m.hum.level_dbfs;
    if (m.hum.level_dbfs > cfg.hum_dbfs) f.push(`hum: ${m.hum.hz} Hz family at ${m.hum.level_dbfs.toFixed(1)} dBFS`);
    // broadband noise from the per-bin floor (rectangular window, N-point FFT: + 10·log10(N/2))
    const broadband = m.noise_floor_dbfs + 10 * Math.log10(2400);
    r.noise_dbfs = round3(broadband);
    if (broadband > cfg.noise_dbfs) f.push(`noise: broadband floor about ${broadband.toFixed(1)} dBFS`);
    r.findings = f;
    r.verdict = f.length === 0 ? 'pass' : (f[0]!.split(':')[0] as Verdict);
    results.set(p.name, r);
  }
  return markSwaps(results);
}

/** A pair whose signals arrive on each other's return is a swap: name the partner on both. */
function markSwaps(results: Map<string, PathResult>): PathResult[] {
  for (const r of results.values()) {
    if (r.verdict !== 'wrong-source' || !r.arrived_from) continue;
    const other = results.get(r.arrived_from);
    if (other?.arrived_from === r.path) r.swapped_with = other.path;
  }
  return [...results.values()];
}

const round3 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x);

/**
 * Console-oscillator mode: one run per console output (the oscillator sent to that bus, main or
 * matrix), every output return measured each time by broadband level. What arrives at an output's
 * interface input, in which run, says whether the output is live, at the right level, crossed
 * with another (swaps named as such) or leaking into others.
 */
export function diagnoseOutputs(
  paths: CheckPath[],
  runs: Map<string, Map<number, Measurement>>,
  cfg: LinecheckSettings,
  alignment: number,
): PathResult[] {
  const results = new Map<string, PathResult>();
  const present = (db: number) => db > alignment - PRESENT_DB;
  for (const p of paths) {
    const base: PathResult = { path: p.name, source: p.source, input: p.input, verdict: 'pass', findings: [] };
    if (p.untestable) {
      results.set(p.name, {
        ...base,
        verdict: 'untestable',
        reason: p.untestable,
        findings: [`untestable: ${p.untestable}`],
      });
      continue;
    }
    const own = runs.get(p.name)!.get(p.measure!)!;
    // which run's oscillator shows most strongly at this output's return, apart from its own
    let foreign: { path: string; level: number } | undefined;
    for (const [other, at] of runs) {
      if (other === p.name) continue;
      const lvl = at.get(p.measure!)?.rms_dbfs ?? Number.NEGATIVE_INFINITY;
      if (!foreign || lvl > foreign.level) foreign = { path: other, level: lvl };
    }
    const level = own.rms_dbfs;
    const f: string[] = [];
    const r: PathResult = { ...base, level_dbfs: round3(level), expected_dbfs: alignment };
    if (!present(level) && foreign && present(foreign.level)) {
      r.arrived_from = foreign.path;
      f.push(
        `wrong-source: the oscillator sent to ${foreign.path} arrives here at ${foreign.level.toFixed(1)} dBFS instead`,
      );
    } else if (!present(level)) {
      f.push(
        `dead: the oscillator sent to ${p.name} does not arrive at ${p.input} (${Number.isFinite(level) ? level.toFixed(1) : '-inf'} dBFS)`,
      );
    } else {
      if (own.clipped_samples > 0) f.push(`clipping: ${own.clipped_samples} samples at full scale`);
      if (Math.abs(level - alignment) > cfg.tolerance_db)
        f.push(`level: ${level.toFixed(2)} dBFS, expected ${alignment} ±${cfg.tolerance_db}`);
      if (
        foreign &&
        foreign.level - level > cfg.crosstalk_db &&
        foreign.level > own.noise_floor_dbfs + 10 * Math.log10(2400) + 20
      ) {
        r.crosstalk = { from: foreign.path, db: round3(foreign.level - level) };
        f.push(`crosstalk: ${foreign.path} leaks in at ${(foreign.level - level).toFixed(1)} dB`);
      }
    }
    r.hum_dbfs = own.hum.level_dbfs;
    if (own.hum.level_dbfs > cfg.hum_dbfs)
      f.push(`hum: ${own.hum.hz} Hz family at ${own.hum.level_dbfs.toFixed(1)} dBFS`);
    r.findings = f;
    r.verdict = f.length === 0 ? 'pass' : (f[0]!.split(':')[0] as Verdict);
    results.set(p.name, r);
  }
  return markSwaps(results);
}

/**
 * Meters-only fallback: one path at a time with a tone, every console input meter read each time.
 * Presence, level, where the tone really arrived (swaps named), clipping and leakage the meters
 * can show; polarity, latency, hum and noise need the audio itself and are listed as not measured.
 */
export function diagnoseMeters(
  paths: CheckPath[],
  runs: Map<string, Float32Array>,
  cfg: LinecheckSettings,
  alignment: number,
): PathResult[] {
  const results = new Map<string, PathResult>();
  const db = (v: number | undefined) => (v !== undefined && v > 0 ? 20 * Math.log10(v) : Number.NEGATIVE_INFINITY);
  const present = (x: number) => x > alignment - PRESENT_DB;
  const notMeasured = ['polarity', 'latency', 'hum', 'noise'];
  for (const p of paths) {
    const base: PathResult = {
      path: p.name,
      source: p.source,
      input: p.input,
      verdict: 'pass',
      findings: [],
      method: 'console-meters',
      not_measured: notMeasured,
    };
    const own = db(runs.get(p.name)?.[p.meter! - 1]);
    let foreign: { path: string; level: number } | undefined;
    for (const [other, m] of runs) {
      if (other === p.name) continue;
      const lvl = db(m[p.meter! - 1]);
      if (!foreign || lvl > foreign.level) foreign = { path: other, level: lvl };
    }
    const f: string[] = [];
    const r: PathResult = { ...base, level_dbfs: round3(own), expected_dbfs: alignment };
    if (!present(own) && foreign && present(foreign.level)) {
      r.arrived_from = foreign.path;
      f.push(
        `wrong-source: ${foreign.path}'s tone shows on the ${p.input} meter at ${foreign.level.toFixed(1)} dBFS instead`,
      );
    } else if (!present(own))
      f.push(`dead: the ${p.input} meter shows nothing (${Number.isFinite(own) ? own.toFixed(1) : '-inf'} dBFS)`);
    else {
      if (own > -0.1) f.push(`clipping: the ${p.input} meter reads full scale`);
      if (Math.abs(own - alignment) > cfg.tolerance_db)
        f.push(`level: ${own.toFixed(2)} dBFS on the console meter, expected ${alignment} ±${cfg.tolerance_db}`);
      // the simulated and real meters floor far below the −70 dB default; -120 dBFS is treated as silence
      if (foreign && foreign.level > -120 && foreign.level - own > cfg.crosstalk_db) {
        r.crosstalk = { from: foreign.path, db: round3(foreign.level - own) };
        f.push(`crosstalk: ${foreign.path} leaks in at ${(foreign.level - own).toFixed(1)} dB (console meter)`);
      }
    }
    r.findings = f;
    r.verdict = f.length === 0 ? 'pass' : (f[0]!.split(':')[0] as Verdict);
    results.set(p.name, r);
  }
  return markSwaps(results);
}
