import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { api, describe } from '../api.ts';
import { openStream } from '../events.ts';
import { MeterHistory } from '../history.tsx';

type Meter = { channel: number; rms_dbfs: number; peak_dbfs: number };
type Job = { id: string; kind: string; state: string; fraction: number; error?: string; result?: unknown };
type Tuner = { channel: number; hz: number | null; note: string | null; cents: number | null };

const FLOOR = -90;
const pct = (db: number) => (Number.isFinite(db) ? Math.max(0, Math.min(100, ((db - FLOOR) / -FLOOR) * 100)) : 0);

/**
 * Meters for every input (20 Hz over the WebSocket, drawn once per animation frame straight into
 * the DOM, so 82 channels stay at 60 fps), tone out per output, the tuner.
 */
export function AudioPage() {
  const channels = useSignal<number[]>([]);
  const error = useSignal('');
  const playing = useSignal<Record<number, boolean>>({});
  const tuners = useSignal<Record<number, Tuner>>({});
  const tuned = useSignal<number[]>([]);
  const outputs = useSignal(0);
  const grid = useRef<HTMLElement>(null);
  const history = useSignal<number | null>(null);
  const feeds = useRef(new Set<(rms: number, peak: number) => void>());
  const historyFeed = (fn: (rms: number, peak: number) => void) => {
    feeds.current.add(fn);
    return () => feeds.current.delete(fn);
  };
  const jobs = useSignal<Job[]>([]);
  const loadJobs = async () => {
    jobs.value = (await api<{ jobs: Job[] }>('GET', '/api/v1/prep/jobs')).jobs;
  };
  useEffect(() => {
    void loadJobs().catch(() => undefined);
    return openStream(['job.progress', 'job.done'], (p, topic) => {
      const e = p as { job: string; kind: string; fraction?: number; ok?: boolean; error?: string };
      if (e.kind === 'linecheck' || e.kind === 'backup') return;
      if (topic === 'job.progress')
        jobs.value = jobs.value.map((j) => (j.id === e.job ? { ...j, fraction: e.fraction ?? j.fraction } : j));
      else void loadJobs().catch(() => undefined);
    });
  }, []);
  const startJob = async (e: Event) => {
    e.preventDefault();
    const f = e.currentTarget as HTMLFormElement;
    const kind = (f.elements.namedItem('kind') as HTMLSelectElement).value;
    const inputs = (f.elements.namedItem('files') as HTMLTextAreaElement).value
      .split('\n')
      .map((x) => x.trim())
      .filter(Boolean);
    const out = (f.elements.namedItem('outdir') as HTMLInputElement).value.trim();
    error.value = '';
    try {
      await api('POST', '/api/v1/prep/jobs', { kind, inputs, ...(out ? { out } : {}) });
      await loadJobs();
    } catch (err) {
      error.value = describe(err);
    }
  };

  useEffect(() => {
    let latest: Meter[] | undefined;
    let frame = 0;
    const draw = () => {
      frame = 0;
      const root = grid.current;
      if (!root || !latest) return;
      for (const m of latest) {
        const row = root.querySelector<HTMLElement>(`[data-ch="${m.channel}"]`);
        if (!row) continue;
        (row.firstElementChild as HTMLElement).style.width = `${pct(m.rms_dbfs)}%`;
        (row.children[1] as HTMLElement).style.left = `${pct(m.peak_dbfs)}%`;
        row.dataset.peak = Number.isFinite(m.peak_dbfs) ? m.peak_dbfs.toFixed(1) : '-inf';
        row.setAttribute(
          'aria-valuenow',
          String(Math.max(FLOOR, Number.isFinite(m.rms_dbfs) ? Math.round(m.rms_dbfs) : FLOOR)),
        );
        (row.parentElement!.querySelector('.db') as HTMLElement).textContent = Number.isFinite(m.peak_dbfs)
          ? m.peak_dbfs.toFixed(1)
          : '−∞';
      }
    };
    api<{ inputs?: number; outputs?: number }>('GET', '/api/v1/audio')
      .then((a) => {
        const n = a.inputs ?? 0;
        channels.value = Array.from({ length: n }, (_, i) => i + 1);
        outputs.value = a.outputs ?? 0;
      })
      .catch((e) => (error.value = describe(e)));
    return openStream(['audio.meters', 'audio.tuner'], (p, topic) => {
      if (topic === 'audio.tuner') {
        const t = p as Tuner;
        tuners.value = { ...tuners.value, [t.channel]: t };
        return;
      }
      latest = (p as { channels: Meter[] }).channels;
      if (history.value !== null && feeds.current.size > 0) {
        const m = latest.find((x) => x.channel === history.value);
        if (m) for (const f of feeds.current) f(m.rms_dbfs, m.peak_dbfs);
      }
      if (channels.value.length === 0) channels.value = latest.map((m) => m.channel);
      if (!frame) frame = requestAnimationFrame(draw);
    });
  }, []);

  const tone = async (e: Event) => {
    e.preventDefault();
    const f = e.currentTarget as HTMLFormElement;
    const out = Number((f.elements.namedItem('out') as HTMLInputElement).value);
    const hz = Number((f.elements.namedItem('hz') as HTMLInputElement).value);
    const level = Number((f.elements.namedItem('level') as HTMLInputElement).value);
    error.value = '';
    try {
      if (playing.value[out]) {
        await api('DELETE', `/api/v1/audio/outputs/${out}`);
        playing.value = { ...playing.value, [out]: false };
      } else {
        await api('PUT', `/api/v1/audio/outputs/${out}`, { signal: { kind: 'sine', freq: hz, level_dbfs: level } });
        playing.value = { ...playing.value, [out]: true };
      }
    } catch (err) {
      error.value = describe(err);
    }
  };
  const stopAll = async () => {
    await api('DELETE', '/api/v1/audio/outputs').catch((e) => (error.value = describe(e)));
    playing.value = {};
  };
  const tune = async (e: Event) => {
    e.preventDefault();
    const text = ((e.currentTarget as HTMLFormElement).elements.namedItem('tin') as HTMLInputElement).value;
    const list = text.split(/[ ,]+/).filter(Boolean).map(Number);
    try {
      const on = tuned.value.length > 0 ? [] : list;
      await api('PUT', '/api/v1/audio/tuner', { inputs: on });
      tuned.value = on;
      tuners.value = {};
    } catch (err) {
      error.value = describe(err);
    }
  };
  return (
    <div class="audio">
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      <div class="toolbar">
        <form onSubmit={tone} class="inline">
          <label for="out">Output</label>
          <input id="out" name="out" type="number" min={1} max={outputs.value || 128} value={1} required />
          <label for="hz">Hz</label>
          <input id="hz" name="hz" type="number" min={20} max={20000} value={1000} required />
          <label for="level">dBFS</label>
          <input id="level" name="level" type="number" min={-60} max={0} value={-18} required />
          <button type="submit">Tone on/off</button>
        </form>
        <button type="button" class="danger" onClick={stopAll}>
          All tones off
        </button>
        <form onSubmit={tune} class="inline">
          <label for="tin">Tuner inputs</label>
          <input
            id="tin"
            name="tin"
            defaultValue="1"
            pattern="[0-9 ,]+"
            title="input numbers, e.g. 1 or 5,6,7"
            required
          />
          <button type="submit">{tuned.value.length === 0 ? 'Tune' : 'Tuner off'}</button>
        </form>
      </div>
      {tuned.value.length > 0 && (
        <div class="tuners">
          {tuned.value.map((ch) => {
            const t = tuners.value[ch];
            return (
              <output class="tuner" aria-live="polite" data-input={ch} data-note={t?.note ?? ''}>
                <span class="ch">input {ch}</span>
                <span class="note">{t?.note ?? '—'}</span>
                <span class="cents">
                  {t?.cents !== null && t?.cents !== undefined
                    ? `${t.cents > 0 ? '+' : ''}${t.cents.toFixed(0)} ct`
                    : ''}
                </span>
                <span class="hz">{t?.hz ? `${t.hz.toFixed(1)} Hz` : 'no pitch'}</span>
              </output>
            );
          })}
        </div>
      )}
      <section aria-labelledby="prep-h">
        <h2 id="prep-h">Session prep</h2>
        <form onSubmit={startJob} class="prep">
          <label for="kind">Job</label>
          <select id="kind" name="kind">
            <option value="strip-silence">strip silence</option>
            <option value="declick">de-click</option>
            <option value="gate">gate</option>
            <option value="bounce">bounce stems</option>
          </select>
          <label for="files">WAV files on the rack machine (one per line, in the media folder)</label>
          <textarea id="files" name="files" rows={3} required />
          <label for="outdir">Output folder (optional)</label>
          <input id="outdir" name="outdir" />
          <button type="submit">Start</button>
        </form>
        <ul class="jobs">
          {jobs.value.map((j) => (
            <li data-job={j.id} data-state={j.state}>
              {j.kind} — {j.state} <progress max={1} value={j.fraction} aria-label={`${j.kind} progress`} />{' '}
              {Math.round(j.fraction * 100)} %{j.error ? <span class="error"> {j.error}</span> : null}
            </li>
          ))}
        </ul>
      </section>
      {history.value !== null && (
        <section aria-label={`Input ${history.value}, last 30 s`}>
          <h2>Input {history.value}, last 30 s</h2>
          <MeterHistory channel={history.value} feed={historyFeed} />
        </section>
      )}
      <section class="meters" ref={grid} aria-label="Input meters">
        {channels.value.map((c) => (
          <div class="meter">
            <button
              type="button"
              class="ch"
              aria-pressed={history.value === c}
              aria-label={`history of input ${c}`}
              onClick={() => (history.value = history.value === c ? null : c)}
            >
              {c}
            </button>
            {/* biome-ignore lint/a11y/useSemanticElements: an RMS bar with a peak line over it cannot be drawn in a <meter> */}
            <div
              class="bar"
              data-ch={c}
              role="meter"
              aria-label={`input ${c}`}
              aria-valuemin={FLOOR}
              aria-valuemax={0}
              aria-valuenow={FLOOR}
            >
              <div class="rms" />
              <div class="peak" />
            </div>
            <span class="db">−∞</span>
          </div>
        ))}
      </section>
    </div>
  );
}
