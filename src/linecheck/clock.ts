import type { Console } from '../console/model.ts';
import type { Settings } from '../settings/schema.ts';

export type ClockReport = {
  ok: boolean;
  expected: { rate: number; master: string | null };
  console: { id: string; family: string; rate: number | null; source: string | null } | null;
  interface: { backend: string; state: string; rate: number | null; detail?: string } | null;
  /** Each mismatch in words ("console x32-main runs on its internal clock at 44.1 kHz, the plan says AES50 A at 48 kHz"). */
  mismatches: string[];
  /** What could not be checked, and why (never guessed). */
  cannot: string[];
};

const SOURCE_WORDS: Record<string, string> = {
  internal: 'its internal clock',
  aes50a: 'AES50 A',
  aes50b: 'AES50 B',
  card: 'its expansion card',
};
const khz = (r: number) => `${r % 1000 === 0 ? r / 1000 : (r / 1000).toFixed(1)} kHz`;

/** X32 `/-prefs/clockrate` and `/-prefs/clocksource` tokens (see the schema: unverified enum values). */
const X32_RATE: Record<string, number> = { '48K': 48000, '44K1': 44100 };
const X32_SOURCE: Record<string, string> = { INT: 'internal', AES50A: 'aes50a', AES50B: 'aes50b', CARD: 'card' };

/**
 * The clock plan against what the console and the audio interface report: the console's rate and
 * clock source (X32; the SQ and Qu MIDI protocols carry neither, which is said, not guessed), the
 * interface's rate (the JACK backend refuses a server at another rate, so an online engine runs at
 * audio.sample_rate), each compared with clock.rate (default audio.sample_rate) and clock.master.
 * Reads the live models only: no device I/O.
 */
export function checkClock(
  settings: Pick<Settings, 'clock' | 'audio'>,
  con: Console | undefined,
  engine: { status(): { state: string; detail?: string } } | undefined,
): ClockReport {
  const rate = settings.clock.rate ?? settings.audio?.sample_rate ?? 48000;
  const master = settings.clock.master ?? null;
  const mismatches: string[] = [];
  const cannot: string[] = [];
  let c: ClockReport['console'] = null;
  if (con) {
    c = { id: con.id, family: con.family, rate: null, source: null };
    const state = con.status().state;
    if (con.family !== 'x32')
      cannot.push(
        `console ${con.id}: an ${con.family === 'sq' ? 'SQ' : 'Qu'} does not report its clock over MIDI; check it on the console`,
      );
    else if (state === 'offline' || state === 'stopped') cannot.push(`console ${con.id} is ${state}`);
    else {
      const r = con.get('/-prefs/clockrate');
      const s = con.get('/-prefs/clocksource');
      c.rate = typeof r === 'string' ? (X32_RATE[r] ?? null) : null;
      c.source = typeof s === 'string' ? (X32_SOURCE[s] ?? null) : null;
      if (c.rate === null)
        cannot.push(
          `console ${con.id} did not report its clock rate (/-prefs/clockrate: ${JSON.stringify(r ?? null)})`,
        );
      if (c.source === null && master)
        cannot.push(
          `console ${con.id} did not report its clock source (/-prefs/clocksource: ${JSON.stringify(s ?? null)})`,
        );
      const rateOff = c.rate !== null && c.rate !== rate;
      const sourceOff = master !== null && c.source !== null && c.source !== master;
      if (rateOff || sourceOff)
        mismatches.push(
          `console ${con.id} runs on ${c.source ? SOURCE_WORDS[c.source] : 'an unknown clock'} at ${c.rate ? khz(c.rate) : 'an unknown rate'}, the plan says ${master ? SOURCE_WORDS[master] : 'any source'} at ${khz(rate)}`,
        );
    }
  }
  let i: ClockReport['interface'] = null;
  const a = settings.audio;
  if (a && engine) {
    const st = engine.status();
    i = { backend: a.backend, state: st.state, rate: null, ...(st.detail ? { detail: st.detail } : {}) };
    if (st.state === 'online' || st.state === 'degraded') {
      i.rate = a.sample_rate;
      if (a.sample_rate !== rate)
        mismatches.push(`the audio interface (${a.backend}) runs at ${khz(a.sample_rate)}, the plan says ${khz(rate)}`);
    } else if (st.detail && /runs at \d+ Hz/.test(st.detail)) mismatches.push(`the audio interface: ${st.detail}`);
    else cannot.push(`the audio interface is ${st.state}${st.detail ? `: ${st.detail}` : ''}`);
  }
  return { ok: mismatches.length === 0, expected: { rate, master }, console: c, interface: i, mismatches, cannot };
}
