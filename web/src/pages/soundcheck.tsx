import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, describe } from '../api.ts';

type Input = {
  input: number;
  name: string | null;
  source: string;
  played: boolean;
  clipped: boolean;
  peak_dbfs: number | null;
  short_term_dbfs: number | null;
  crest_db: number | null;
  gain_db: number | null;
  proposed_gain_db: number | null;
  change_db: number | null;
  phantom: boolean | null;
  codes: string[];
  notes: string[];
};
type Listen = { console: string; seconds: number; target_peak_dbfs: number; inputs: Input[]; never_played: number[] };
type Applied = {
  ok: boolean;
  steps: number;
  results: Array<{
    input: number;
    name: string | null;
    from_gain_db: number | null;
    to_gain_db: number | null;
    peak_after_dbfs: number | null;
    error_db: number | null;
    within: boolean;
  }>;
  after: Listen;
};

const f1 = (x: number | null) => (x === null ? '—' : `${x > 0 ? '+' : ''}${x.toFixed(1)}`);

/** Gain staging from the sound check: listen while the band plays, see the proposals, apply them, see where each landed. */
export function SoundcheckPage() {
  const seconds = useSignal('10');
  const listen = useSignal<Listen | null>(null);
  const applied = useSignal<Applied | null>(null);
  const busy = useSignal<'' | 'listening' | 'applying'>('');
  const band = useSignal<{ playing: boolean; players: number } | null>(null);
  const error = useSignal('');

  useEffect(() => {
    api<{ listen: Listen | null }>('GET', '/api/v1/gain')
      .then((r) => {
        listen.value = r.listen;
      })
      .catch((e) => {
        error.value = describe(e);
      });
    // the simulated studio has a band to play; a real one answers 404 E_NO_SIM and the control stays hidden
    api<{ playing: boolean; players: number }>('GET', '/api/v1/sim/band')
      .then((b) => {
        band.value = b;
      })
      .catch(() => undefined);
  }, []);

  const secs = () => {
    const n = Number(seconds.value);
    if (!Number.isFinite(n) || n < 1 || n > 600)
      throw new Error(`listen for 1…600 s, not ${JSON.stringify(seconds.value)}`);
    return n;
  };
  const doListen = async () => {
    error.value = '';
    applied.value = null;
    try {
      const s = secs();
      busy.value = 'listening';
      listen.value = await api<Listen>('POST', '/api/v1/gain/listen', { seconds: s });
    } catch (e) {
      error.value = e instanceof Error && !('code' in e) ? e.message : describe(e);
    } finally {
      busy.value = '';
    }
  };
  const doApply = async () => {
    error.value = '';
    try {
      const s = secs();
      busy.value = 'applying';
      applied.value = await api<Applied>('POST', '/api/v1/gain/apply', { seconds: s });
      listen.value = applied.value.after;
    } catch (e) {
      error.value = e instanceof Error && !('code' in e) ? e.message : describe(e);
    } finally {
      busy.value = '';
    }
  };
  const toggleBand = async () => {
    if (!band.value) return;
    try {
      band.value = await api('PUT', '/api/v1/sim/band', { playing: !band.value.playing });
    } catch (e) {
      error.value = describe(e);
    }
  };
  const proposals = listen.value?.inputs.filter((i) => i.played || i.clipped) ?? [];
  return (
    <div class="soundcheck">
      <div class="toolbar">
        <label>
          Listen for{' '}
          <input
            size={4}
            value={seconds.value}
            onInput={(e) => (seconds.value = e.currentTarget.value)}
            aria-label="Seconds to listen"
          />{' '}
          s
        </label>
        <button type="button" onClick={doListen} disabled={busy.value !== ''}>
          Listen
        </button>
        <button
          type="button"
          onClick={doApply}
          disabled={busy.value !== '' || !listen.value?.inputs.some((i) => i.proposed_gain_db !== null)}
        >
          Apply the gains
        </button>
        {band.value && (
          <button type="button" onClick={toggleBand} aria-pressed={band.value.playing}>
            {band.value.playing ? 'Stop the band' : 'Start the band'} (simulated, {band.value.players} players)
          </button>
        )}
      </div>
      {busy.value && (
        <p role="status">
          {busy.value === 'listening' ? 'Listening: have the band play…' : 'Moving the gains, then listening again…'}
        </p>
      )}
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      {applied.value && (
        <p role="status" class={applied.value.ok ? 'ok' : 'error'}>
          {applied.value.results.filter((r) => r.within).length} of {applied.value.results.length} inputs within ±1.5 dB
          of {listen.value?.target_peak_dbfs} dBFS, in {applied.value.steps} step(s)
        </p>
      )}
      {listen.value && (
        <table aria-label="Sound check">
          <thead>
            <tr>
              <th scope="col">Input</th>
              <th scope="col">Name</th>
              <th scope="col">Peak</th>
              <th scope="col">Loudest 3 s</th>
              <th scope="col">Crest</th>
              <th scope="col">Gain</th>
              <th scope="col">Proposed</th>
              <th scope="col">48 V</th>
              <th scope="col">Notes</th>
            </tr>
          </thead>
          <tbody>
            {proposals.map((i) => {
              const r = applied.value?.results.find((x) => x.input === i.input);
              return (
                <tr data-input={i.input} class={i.clipped ? 'error' : ''}>
                  <td>{i.input}</td>
                  <td>{i.name ?? ''}</td>
                  <td>{f1(i.peak_dbfs)}</td>
                  <td>{f1(i.short_term_dbfs)}</td>
                  <td>{f1(i.crest_db)}</td>
                  <td>{f1(i.gain_db)}</td>
                  <td data-proposed={i.proposed_gain_db ?? ''}>
                    {f1(i.proposed_gain_db)}
                    {r ? ` ${r.within ? '✓' : `off by ${f1(r.error_db)}`}` : ''}
                  </td>
                  <td>{i.phantom === null ? '—' : i.phantom ? 'on' : 'off'}</td>
                  <td>{i.notes.join('; ')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {listen.value && listen.value.never_played.length > 0 && (
        <p>Never played: {listen.value.never_played.join(', ')}</p>
      )}
    </div>
  );
}
