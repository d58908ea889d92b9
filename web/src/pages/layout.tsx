import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, describe } from '../api.ts';
import { colourOf } from '../state.ts';

type Channel = {
  channel: number;
  source: string;
  role: string;
  name: string;
  colour: string;
  hpf: number | null;
  phantom: boolean;
  dca: number[];
  confidence: number;
};
type Change = { channel: number; path: string; from: unknown; to: unknown };
type Diff = { console: string; changes: Change[]; unchanged: number; cannot: string[] };
type Plan = {
  plan: { channels: Channel[]; warnings: string[]; unknown: Array<{ line: number; source: string }> };
  diff?: Diff;
};

/** Input list + profile → the console's strips, the diff against the live desk, apply, the DAW template. */
export function LayoutPage() {
  const profiles = useSignal<string[]>([]);
  const profile = useSignal('');
  const inputs = useSignal('');
  const result = useSignal<Plan | null>(null);
  const error = useSignal('');
  const status = useSignal('');

  useEffect(() => {
    api<{ profiles: Array<{ name: string }> }>('GET', '/api/v1/profiles')
      .then((r) => {
        profiles.value = r.profiles.map((p) => p.name);
        profile.value = profiles.value[0] ?? '';
      })
      .catch((e) => (error.value = describe(e)));
  }, []);

  const readFile = async (f: File | undefined) => {
    if (!f) return;
    inputs.value = await f.text();
  };
  const plan = async () => {
    error.value = '';
    try {
      result.value = await api<Plan>('POST', '/api/v1/layout/plan', { inputs: inputs.value, profile: profile.value });
    } catch (e) {
      error.value = describe(e);
    }
  };
  const apply = async () => {
    status.value = 'applying…';
    try {
      const r = await api<{ report: { ok: boolean; written: unknown[] } }>('POST', '/api/v1/layout/apply', {
        inputs: inputs.value,
        profile: profile.value,
      });
      status.value = `applied: ${r.report.written.length} values written, ${r.report.ok ? 'all verified' : 'some not taken'}`;
      await plan();
    } catch (e) {
      status.value = '';
      error.value = describe(e);
    }
  };
  const download = async (format: 'rpp' | 'csv' | 'html') => {
    try {
      const r = await fetch('/api/v1/session/template', {
        method: 'POST',
        credentials: 'same-origin',
        headers: {
          'content-type': 'application/json',
          'x-csrf-token': (await api<{ csrf: string }>('GET', '/api/v1/session')).csrf,
        },
        body: JSON.stringify({ inputs: inputs.value, profile: profile.value, format }),
      });
      if (!r.ok) throw new Error(((await r.json()) as { message?: string }).message ?? `HTTP ${r.status}`);
      const blob = new Blob([await r.text()], { type: r.headers.get('content-type') ?? 'text/plain' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = format === 'rpp' ? 'session.RPP' : format === 'csv' ? 'tracksheet.csv' : 'tracksheet.html';
      a.click();
      URL.revokeObjectURL(a.href);
    } catch (e) {
      error.value = describe(e);
    }
  };
  const d = result.value?.diff;
  return (
    <div class="layout">
      <div class="drop">
        <label for="inputs">Input list (drop a CSV or text file here, or paste one source per line)</label>
        <textarea
          id="inputs"
          rows={8}
          value={inputs.value}
          onInput={(e) => (inputs.value = e.currentTarget.value)}
          onDragOver={(e) => e.preventDefault()}
          onDrop={(e) => {
            e.preventDefault();
            void readFile(e.dataTransfer?.files[0]);
          }}
          placeholder={'Kick In\nKick Out\nSnare Top\n…'}
        />
        <label>
          or choose a file{' '}
          <input
            type="file"
            accept=".csv,.txt,.tsv,text/*"
            onChange={(e) => void readFile(e.currentTarget.files?.[0])}
          />
        </label>
      </div>
      <div class="toolbar">
        <label>
          Profile{' '}
          <select value={profile.value} onChange={(e) => (profile.value = e.currentTarget.value)}>
            {profiles.value.map((p) => (
              <option value={p}>{p}</option>
            ))}
          </select>
        </label>
        <button type="button" onClick={plan} disabled={!inputs.value.trim() || !profile.value}>
          Plan
        </button>
        {d && d.changes.length > 0 && (
          <button type="button" class="danger" onClick={apply}>
            Apply {d.changes.length} changes to {d.console}
          </button>
        )}
        {result.value && (
          <>
            <button type="button" onClick={() => download('rpp')}>
              REAPER .RPP
            </button>
            <button type="button" onClick={() => download('csv')}>
              Track sheet (CSV)
            </button>
          </>
        )}
      </div>
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      <p role="status" class="hint">
        {status.value}
      </p>
      {result.value && (
        <>
          {result.value.plan.warnings.map((w) => (
            <p class="warn">{w}</p>
          ))}
          <ul class="strips plan" aria-label="Planned strips">
            {result.value.plan.channels.map((c) => (
              <li class="strip" data-channel={c.channel} style={{ borderTop: `4px solid ${colourOf(c.colour)}` }}>
                <span class="n">
                  {c.channel} · {c.role}
                </span>
                <span class="sname">{c.name}</span>
                <span class="hint">
                  {c.hpf ? `HPF ${c.hpf} Hz` : 'no HPF'}
                  {c.phantom ? ' · 48V' : ''}
                  {c.dca.length ? ` · DCA ${c.dca.join(',')}` : ''}
                </span>
                {c.confidence < 0.5 && <span class="warn">unsure: {c.source}</span>}
              </li>
            ))}
          </ul>
          {d && (
            <section aria-labelledby="ldiff-h">
              <h2 id="ldiff-h">
                Against the desk now: {d.changes.length} changes, {d.unchanged} already right
              </h2>
              <ul class="diff">
                {d.changes.slice(0, 200).map((c) => (
                  <li>
                    ch {c.channel}: {c.path} {JSON.stringify(c.from ?? null)} → {JSON.stringify(c.to)}
                  </li>
                ))}
              </ul>
              {d.cannot.length > 0 && <p class="hint">This console cannot take: {d.cannot.join('; ')}</p>}
            </section>
          )}
        </>
      )}
    </div>
  );
}
