// The simulated band's programmes: deterministic signals (a function of the sample index alone),
// so the interface return and the console's own meter of one input hear the same performance.

/** What a simulated musician plays into one console input during the sound check. */
export const PROGRAMMES = ['kick', 'snare', 'hats', 'toms', 'bass', 'guitar', 'keys', 'vocal', 'click'] as const;
export type Programme = (typeof PROGRAMMES)[number];

/** A hash of the sample index to [-1, 1): white noise that is the same wherever it is rendered. */
function noise(n: number, salt: number): number {
  let h = (Math.imul(n, 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39) >>> 0;
  return ((h ^ (h >>> 15)) >>> 0) / 2147483648 - 1;
}

const TAU = 2 * Math.PI;

/** One sample of a programme at sample index n (120 bpm: a beat every 0.5 s), before normalising. */
function raw(p: Programme, n: number, fs: number): number {
  const t = n / fs;
  switch (p) {
    case 'kick': {
      // a pitch-swept thump on every beat
      const tau = t % 0.5;
      const phase = TAU * (50 * tau + 100 * 0.02 * (1 - Math.exp(-tau / 0.02)));
      return Math.exp(-tau / 0.08) * Math.sin(phase);
    }
    case 'snare': {
      // beats 2 and 4: a noise burst over a 190 Hz body
      const tau = (t + 0.5) % 1;
      return Math.exp(-tau / 0.05) * (0.6 * noise(n, 1) + 0.4 * Math.sin(TAU * 190 * tau));
    }
    case 'hats': {
      const tau = t % 0.25;
      return Math.exp(-tau / 0.03) * noise(n, 2);
    }
    case 'toms': {
      // a fill every other bar: four hits falling in pitch
      const bar = t % 4;
      if (bar < 2) return 0;
      const hit = Math.floor((bar - 2) / 0.25) % 4;
      const tau = (bar - 2) % 0.25;
      return Math.exp(-tau / 0.12) * Math.sin(TAU * (140 - 20 * hit) * tau);
    }
    case 'bass': {
      // a note per beat, root–root–fourth–fifth, plucked
      const notes = [55, 55, 73.42, 82.41];
      const beat = Math.floor(t / 0.5) % 4;
      const tau = t % 0.5;
      const env = Math.min(1, tau / 0.005) * (0.55 + 0.45 * Math.exp(-tau / 0.15));
      const f = notes[beat]!;
      return env * (0.8 * Math.sin(TAU * f * tau) + 0.2 * Math.sin(TAU * 2 * f * tau));
    }
    case 'guitar': {
      // a strummed chord every bar
      const tau = t % 2;
      const env = Math.min(1, tau / 0.01) * Math.exp(-tau / 0.9);
      return (env * (Math.sin(TAU * 196 * t) + Math.sin(TAU * 246.9 * t) + Math.sin(TAU * 293.7 * t))) / 3;
    }
    case 'keys': {
      const tau = t % 4;
      const env = Math.min(1, tau / 0.05) * (0.6 + 0.4 * Math.exp(-tau / 1.5));
      return (env * (Math.sin(TAU * 261.6 * t) + Math.sin(TAU * 329.6 * t) + Math.sin(TAU * 392 * t))) / 3;
    }
    case 'vocal': {
      // phrases of 2.5 s with 1 s breaths between; syllables at 4 Hz; a vibrato voice with its harmonics
      const tau = t % 3.5;
      if (tau > 2.5) return 0.02 * noise(n, 3);
      const syll = Math.sin(Math.PI * 4 * tau) ** 2;
      const f0 = 200 * (1 + 0.02 * Math.sin(TAU * 5 * t));
      let x = 0;
      for (let k = 1; k <= 8; k++) x += Math.sin(TAU * k * f0 * t) / (k === 3 || k === 4 ? 1.5 : k);
      return syll * (x / 2.5 + 0.05 * noise(n, 4));
    }
    case 'click':
      return t % 0.5 < 0.02 ? Math.sin(TAU * 1000 * t) : 0;
  }
}

const peaks = new Map<string, number>();

/** The programme's sample peak over 8 s (its bars repeat within that): the level a player is set by. */
function peakOf(p: Programme, fs: number): number {
  const key = `${p}@${fs}`;
  let pk = peaks.get(key);
  if (pk === undefined) {
    pk = 0;
    for (let n = 0; n < 8 * fs; n++) pk = Math.max(pk, Math.abs(raw(p, n, fs)));
    peaks.set(key, pk);
  }
  return pk;
}

/** Adds `amp × programme` (peak 1 before amp) for samples pos..pos+dst.length into dst. */
export function renderProgramme(p: Programme, pos: number, fs: number, amp: number, dst: Float32Array): void {
  const g = amp / peakOf(p, fs);
  for (let j = 0; j < dst.length; j++) dst[j] += g * raw(p, pos + j, fs);
}
