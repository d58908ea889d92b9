import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, describe } from '../api.ts';
import { openStream } from '../events.ts';
import { ago } from '../state.ts';

type Path = { name: string; source: string; input: string; untestable?: string };
type Result = { path: string; verdict: string; findings?: string[] };
type Run = {
  id: string;
  state: string;
  started_at: string;
  finished_at?: string;
  summary?: Record<string, number>;
  results?: Result[];
};

/** Start a check, watch each path's tile turn to its verdict, findings on click, ident, cancel, history. */
export function LinecheckPage() {
  const paths = useSignal<Path[]>([]);
  const verdicts = useSignal<Record<string, Result>>({});
  const run = useSignal<string | null>(null);
  const progress = useSignal<{ done: number; total: number; phase: string } | null>(null);
  const history = useSignal<Run[]>([]);
  const selected = useSignal<string | null>(null);
  const inject = useSignal(false);
  const target = useSignal<'inputs' | 'outputs'>('inputs');
  const error = useSignal('');
  const ident = useSignal<string | null>(null);
  const only = useSignal('');
  const force = useSignal(false);

  const loadHistory = async () => {
    history.value = (await api<{ runs: Run[] }>('GET', '/api/v1/linecheck?limit=10')).runs;
  };
  useEffect(() => {
    api<{ paths: Path[] }>('GET', '/api/v1/linecheck/paths')
      .then((r) => {
        paths.value = r.paths;
      })
      .catch((e) => {
        error.value = describe(e);
      });
    void loadHistory().catch(() => undefined);
    return openStream(['linecheck.progress', 'linecheck.result', 'job.done'], (p, topic) => {
      if (topic === 'linecheck.progress') {
        const e = p as { run: string; done: number; total: number; phase: string };
        if (e.run === run.value) progress.value = e;
      } else if (topic === 'linecheck.result') {
        const e = p as { run: string; path: string; verdict: string; detail?: Result };
        if (e.run === run.value)
          verdicts.value = {
            ...verdicts.value,
            [e.path]: { path: e.path, verdict: e.verdict, findings: e.detail?.findings },
          };
      } else if ((p as { kind: string }).kind === 'linecheck') {
        const e = p as { job: string; ok: boolean; error?: string };
        if (e.job === run.value) {
          run.value = null;
          progress.value = null;
          if (!e.ok && e.error) error.value = e.error;
        }
        void loadHistory().catch(() => undefined);
      }
    });
  }, []);

  const start = async () => {
    error.value = '';
    verdicts.value = {};
    try {
      const chosen = only.value.split(/[ ,]+/).filter(Boolean);
      const r = await api<{ run: string }>('POST', '/api/v1/linecheck', {
        inject: inject.value,
        target: target.value,
        ...(chosen.length ? { paths: chosen } : {}),
        ...(force.value ? { force: true } : {}),
      });
      run.value = r.run;
      progress.value = { done: 0, total: chosen.length || paths.value.length, phase: 'starting' };
    } catch (e) {
      error.value = describe(e);
    }
  };
  const cancel = async () => {
    if (run.value) await api('DELETE', `/api/v1/linecheck/${run.value}`).catch((e) => (error.value = describe(e)));
  };
  const toggleIdent = async (name: string) => {
    const on = ident.value !== name;
    try {
      if (ident.value && ident.value !== name)
        await api('PUT', '/api/v1/linecheck/ident', { path: ident.value, on: false });
      await api('PUT', '/api/v1/linecheck/ident', { path: name, on });
      ident.value = on ? name : null;
    } catch (e) {
      error.value = describe(e);
    }
  };
  const sel = selected.value ? verdicts.value[selected.value] : undefined;
  return (
    <div class="linecheck">
      <div class="toolbar">
        <button type="button" onClick={start} disabled={run.value !== null}>
          Start line check
        </button>
        <label>
          <input type="checkbox" checked={inject.value} onChange={(e) => (inject.value = e.currentTarget.checked)} />{' '}
          tie the switchers for the test
        </label>
        <label>
          Check{' '}
          <select value={target.value} onChange={(e) => (target.value = e.currentTarget.value as 'inputs' | 'outputs')}>
            <option value="inputs">inputs (interface tones through every patch)</option>
            <option value="outputs">outputs (console oscillator to buses)</option>
          </select>
        </label>
        <label>
          <input type="checkbox" checked={force.value} onChange={(e) => (force.value = e.currentTarget.checked)} /> even
          on a clock mismatch
        </label>
        <label>
          Only{' '}
          <input
            value={only.value}
            onInput={(e) => (only.value = e.currentTarget.value)}
            placeholder="all paths, or e.g. tie-07 tie-12"
            aria-label="Only these paths"
          />
        </label>
        {run.value && (
          <button type="button" class="danger" onClick={cancel}>
            Cancel
          </button>
        )}
      </div>
      {progress.value && (
        <p role="status">
          <progress max={progress.value.total || 1} value={progress.value.done} /> {progress.value.phase}:{' '}
          {progress.value.done} of {progress.value.total}
        </p>
      )}
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      <ul class="tiles" aria-label="Paths">
        {paths.value.map((p) => {
          const v = verdicts.value[p.name];
          return (
            <li>
              <button
                type="button"
                class={`tile ${v ? v.verdict : run.value ? 'pending' : 'idle'}`}
                data-path={p.name}
                data-verdict={v?.verdict ?? ''}
                aria-pressed={selected.value === p.name}
                onClick={() => (selected.value = p.name)}
              >
                <span class="name">{p.name}</span>
                <span class="verdict">{v ? v.verdict : p.untestable ? 'untestable' : '—'}</span>
              </button>
            </li>
          );
        })}
      </ul>
      {selected.value && (
        <section class="findings" aria-live="polite">
          <h2>{selected.value}</h2>
          {sel?.findings?.length ? (
            <ul>
              {sel.findings.map((f) => (
                <li>{f}</li>
              ))}
            </ul>
          ) : (
            <p>{sel ? 'No findings: it passes.' : 'Not checked in this run yet.'}</p>
          )}
          <button type="button" onClick={() => toggleIdent(selected.value!)}>
            {ident.value === selected.value ? 'Stop ident tone' : 'Send ident tone down this path'}
          </button>
        </section>
      )}
      <section>
        <h2>Runs</h2>
        <ul class="history">
          {history.value.map((r) => (
            <li>
              {ago(r.started_at)} — {r.state}
              {r.summary &&
                ` (${Object.entries(r.summary)
                  .map(([k, v]) => `${v} ${k}`)
                  .join(', ')})`}{' '}
              <a href={`/api/v1/linecheck/${r.id}?format=html`} target="_blank" rel="noreferrer">
                report
              </a>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
