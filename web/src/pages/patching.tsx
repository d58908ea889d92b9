import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, describe } from '../api.ts';
import { openStream } from '../events.ts';

type Cell = { output: number; output_label: string; input: number | null; input_label: string | null };
type Bay = { id: string; state: string; caps: { inputs?: number; canDisconnect?: boolean }; map: Cell[] };
type Hop = { from: string; to: string; why: string };
type Trace = {
  start: string;
  direction: string;
  paths: Array<{ source: string; destination: string; hops: Hop[] }>;
  warnings: string[];
};
type Cord = { a: string; b: string };
type PassiveBay = {
  id: string;
  points: number;
  normal: string;
  modes: Record<string, string>;
  labels?: Record<string, string>;
};
const NORMAL_MARK: Record<string, string> = { full: 'F', half: 'H', isolated: '—', parallel: 'P' };

/** Each switcher's matrix as a grid: click to tie (verified by the device), live from other clients. */
export function PatchingPage() {
  const bays = useSignal<Bay[]>([]);
  const busy = useSignal<string | null>(null);
  const error = useSignal('');
  const note = useSignal('');
  const trace = useSignal<Trace | null>(null);
  const cords = useSignal<Cord[]>([]);
  const passive = useSignal<PassiveBay[]>([]);
  const presets = useSignal<Record<string, string[]>>({});
  const loadPresets = async (id: string) => {
    const r = await api<{ presets: Array<{ name: string }> }>('GET', `/api/v1/patchbays/${id}/presets`);
    presets.value = { ...presets.value, [id]: r.presets.map((p) => p.name) };
  };
  const savePreset = async (e: Event, id: string) => {
    e.preventDefault();
    const input = (e.currentTarget as HTMLFormElement).elements.namedItem('preset') as HTMLInputElement;
    try {
      await api('POST', `/api/v1/patchbays/${id}/presets`, { name: input.value.trim() });
      note.value = `${id}: preset "${input.value.trim()}" saved`;
      input.value = '';
      await loadPresets(id);
    } catch (err) {
      error.value = describe(err);
    }
  };
  const recallPreset = async (id: string, name: string) => {
    try {
      const r = await api<{ verified: boolean }>(
        'POST',
        `/api/v1/patchbays/${id}/presets/${encodeURIComponent(name)}/recall`,
      );
      note.value = `${id}: preset "${name}" recalled${r.verified ? ' (verified)' : ''}`;
    } catch (err) {
      error.value = describe(err);
    }
  };
  const loadCords = async () => {
    cords.value = (await api<{ cords: Cord[] }>('GET', '/api/v1/cords')).cords;
  };
  const addCord = async (e: Event) => {
    e.preventDefault();
    const f = e.currentTarget as HTMLFormElement;
    const a = (f.elements.namedItem('cord-a') as HTMLInputElement).value.trim();
    const b = (f.elements.namedItem('cord-b') as HTMLInputElement).value.trim();
    try {
      cords.value = (await api<{ cords: Cord[] }>('PUT', '/api/v1/cords', { cords: [...cords.value, { a, b }] })).cords;
      f.reset();
      if (trace.value) await runTrace(trace.value.start);
    } catch (err) {
      error.value = describe(err);
    }
  };
  const clearCords = async () => {
    try {
      cords.value = (await api<{ cords: Cord[] }>('PUT', '/api/v1/cords', { cords: [] })).cords;
      if (trace.value) await runTrace(trace.value.start);
    } catch (err) {
      error.value = describe(err);
    }
  };
  const runTrace = async (endpoint: string) => {
    trace.value = await api<Trace>('GET', `/api/v1/trace/${encodeURIComponent(endpoint)}`);
  };

  useEffect(() => {
    api<{ patchbays: Array<{ id: string }> }>('GET', '/api/v1/patchbays')
      .then(async (r) => {
        bays.value = await Promise.all(r.patchbays.map((p) => api<Bay>('GET', `/api/v1/patchbays/${p.id}`)));
        await Promise.all(bays.value.map((b) => loadPresets(b.id).catch(() => undefined)));
      })
      .catch((e) => (error.value = describe(e)));
    void loadCords().catch(() => undefined);
    api<{ bays: PassiveBay[] }>('GET', '/api/v1/bays')
      .then((r) => (passive.value = r.bays))
      .catch(() => undefined);
    return openStream(['patchbay.changed'], (p) => {
      const e = p as { patchbay: string; output: number; input: number | null };
      bays.value = bays.value.map((b) =>
        b.id !== e.patchbay
          ? b
          : { ...b, map: b.map.map((c) => (c.output === e.output ? { ...c, input: e.input } : c)) },
      );
    });
  }, []);

  const tie = async (b: Bay, output: number, input: number) => {
    const current = b.map.find((c) => c.output === output)?.input ?? null;
    const want = current === input && b.caps.canDisconnect !== false ? null : input;
    busy.value = `${b.id}:${output}`;
    error.value = '';
    try {
      const r = await api<{ verified: boolean }>('PUT', `/api/v1/patchbays/${b.id}/ties`, {
        ties: [{ output, input: want }],
      });
      note.value = `${b.id}: output ${output} ${want === null ? 'untied' : `← input ${want}`}${r.verified ? ' (verified)' : ''}`;
    } catch (e) {
      error.value = describe(e);
    } finally {
      busy.value = null;
    }
  };
  const traceIt = async (e: Event) => {
    e.preventDefault();
    const endpoint = (
      (e.currentTarget as HTMLFormElement).elements.namedItem('endpoint') as HTMLInputElement
    ).value.trim();
    try {
      await runTrace(endpoint);
    } catch (err) {
      error.value = describe(err);
    }
  };
  return (
    <div class="patching">
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      <p role="status" class="hint">
        {note.value}
      </p>
      {bays.value.map((b) => {
        const inputs = b.caps.inputs ?? Math.max(0, ...b.map.map((c) => c.input ?? 0));
        const cols = Array.from({ length: inputs }, (_, i) => i + 1);
        return (
          <section aria-labelledby={`bay-${b.id}`}>
            <h2 id={`bay-${b.id}`}>
              {b.id} <span class={`state ${b.state}`}>{b.state}</span>
            </h2>
            <form class="toolbar" onSubmit={(e) => savePreset(e, b.id)}>
              <label for={`preset-${b.id}`}>Preset</label>
              <input id={`preset-${b.id}`} name="preset" maxLength={64} required placeholder="tracking day" />
              <button type="submit">Save this map</button>
              {(presets.value[b.id] ?? []).map((p) => (
                <button type="button" data-preset={p} onClick={() => recallPreset(b.id, p)}>
                  Recall {p}
                </button>
              ))}
            </form>
            <div class="matrix-wrap">
              <table class="matrix" data-patchbay={b.id}>
                <thead>
                  <tr>
                    <th scope="col">out \ in</th>
                    {cols.map((i) => (
                      <th scope="col">{i}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {b.map.map((c) => (
                    <tr>
                      <th scope="row" title={c.output_label}>
                        {c.output}
                      </th>
                      {cols.map((i) => (
                        <td>
                          <button
                            type="button"
                            class="xp"
                            data-output={c.output}
                            data-input={i}
                            aria-pressed={c.input === i}
                            aria-label={`output ${c.output} from input ${i}`}
                            disabled={busy.value !== null || b.state !== 'online'}
                            onClick={() => tie(b, c.output, i)}
                          />
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        );
      })}
      <section>
        <h2>Tracer</h2>
        <form onSubmit={traceIt} class="toolbar">
          <label for="endpoint">Endpoint</label>
          <input id="endpoint" name="endpoint" placeholder="x32-main:in:7 or tie:3" required />
          <button type="submit">Trace</button>
        </form>
        {trace.value && (
          <div class="trace" aria-live="polite">
            <p class="hint">
              {trace.value.start}, traced {trace.value.direction}: {trace.value.paths.length} path
              {trace.value.paths.length === 1 ? '' : 's'}
            </p>
            {trace.value.warnings.map((w) => (
              <p class="warn">{w}</p>
            ))}
            {trace.value.paths.map((p) => (
              <ol class="hops" aria-label={`${p.source} to ${p.destination}`}>
                <li class="end">{p.hops[0]?.from ?? p.source}</li>
                {p.hops.map((h) => (
                  <li>
                    <span class="why">{h.why}</span>
                    <span class="node">{h.to}</span>
                  </li>
                ))}
              </ol>
            ))}
          </div>
        )}
      </section>
      {passive.value.map((bay) => {
        const plugged = new Map<string, string>();
        for (const c of cords.value) {
          plugged.set(c.a, c.b);
          plugged.set(c.b, c.a);
        }
        const pts = Array.from({ length: bay.points }, (_, i) => i + 1);
        const jack = (row: 'top' | 'bottom', p: number) => {
          const key = `${bay.id}:${row}:${p}`;
          const other = plugged.get(key);
          return (
            <td class={other ? 'jack plugged' : 'jack'} title={other ? `cord to ${other}` : key} data-jack={key}>
              {other ? '●' : '○'}
            </td>
          );
        };
        return (
          <section aria-labelledby={`pbay-${bay.id}`}>
            <h2 id={`pbay-${bay.id}`}>
              {bay.id}{' '}
              <span class="hint">
                passive bay, {bay.points} points, normals: F full, H half, — isolated, P parallel
              </span>
            </h2>
            <div class="matrix-wrap">
              <table class="bay" data-bay={bay.id}>
                <thead>
                  <tr>
                    <th scope="col">point</th>
                    {pts.map((p) => (
                      <th scope="col" title={bay.labels?.[String(p)] ?? ''}>
                        {p}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  <tr>
                    <th scope="row">top</th>
                    {pts.map((p) => jack('top', p))}
                  </tr>
                  <tr class="normals">
                    <th scope="row">normal</th>
                    {pts.map((p) => (
                      <td data-point={p}>{NORMAL_MARK[bay.modes[String(p)] ?? bay.normal] ?? '?'}</td>
                    ))}
                  </tr>
                  <tr>
                    <th scope="row">bottom</th>
                    {pts.map((p) => jack('bottom', p))}
                  </tr>
                </tbody>
              </table>
            </div>
          </section>
        );
      })}
      <section>
        <h2>Patch cords</h2>
        <ul class="cords">
          {cords.value.map((c) => (
            <li>
              {c.a} ↔ {c.b}
            </li>
          ))}
          {cords.value.length === 0 && <li class="hint">No cords in the bay.</li>}
        </ul>
        <form onSubmit={addCord} class="toolbar">
          <label for="cord-a">From</label>
          <input id="cord-a" name="cord-a" placeholder="bay-a:top:3" required />
          <label for="cord-b">to</label>
          <input id="cord-b" name="cord-b" placeholder="bay-a:bottom:9" required />
          <button type="submit">Add cord</button>
          <button type="button" class="quiet" onClick={clearCords}>
            Pull the cords declared here
          </button>
        </form>
      </section>
    </div>
  );
}
