import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, type Device, describe } from '../api.ts';
import { ago, bus } from '../state.ts';

type Run = { id: string; state: string; started_at: string; finished_at?: string; summary?: Record<string, number> };
type Version = { id: string; name: string; created_at: string };
type Snap = { id: string; label: string; created_at: string };

const missingOf = (d: Device): string[] => {
  const m = d.info?.missing;
  return Array.isArray(m) && m.length > 0
    ? [m.slice(0, 5).join(', ') + (m.length > 5 ? ` and ${m.length - 5} more` : '')]
    : [];
};

/** Every device with state, since and detail; what needs a person; the last line check; the current version. */
export function StudioPage() {
  const devices = useSignal<Device[]>([]);
  const runs = useSignal<Run[]>([]);
  const version = useSignal<Version | null>(null);
  const snapshot = useSignal<Snap | null>(null);
  const error = useSignal('');

  const load = async () => {
    try {
      const [st, lc, vs, ss] = await Promise.all([
        api<{ devices: Device[] }>('GET', '/api/v1/status'),
        api<{ runs: Run[] }>('GET', '/api/v1/linecheck?limit=5'),
        api<{ versions: Version[] }>('GET', '/api/v1/versions'),
        api<{ snapshots: Snap[] }>('GET', '/api/v1/snapshots'),
      ]);
      devices.value = st.devices;
      runs.value = lc.runs;
      version.value = vs.versions.at(-1) ?? null;
      snapshot.value = ss.snapshots[0] ?? null;
      error.value = '';
    } catch (e) {
      error.value = describe(e);
    }
  };
  useEffect(() => {
    void load();
    const offs = [
      bus.on('device.status', (p) => {
        const d = p as Device & { device: string };
        const next = devices.value.map((x) =>
          x.id === d.device ? { ...x, state: d.state, since: d.since, detail: d.detail, alerts: d.alerts } : x,
        );
        devices.value = next;
      }),
      bus.on('job.done', () => void load()),
      bus.on('recall.changed', () => void load()),
    ];
    return () => {
      for (const o of offs) o();
    };
  }, []);

  const alerts = devices.value.flatMap((d) => [
    ...(d.alerts ?? []).map((a) => ({ device: d.id, text: a })),
    ...(d.state === 'offline' ? [{ device: d.id, text: `offline${d.detail ? `: ${d.detail}` : ''}` }] : []),
    ...missingOf(d).map((m) => ({ device: d.id, text: `missing nodes: ${m}` })),
  ]);
  const last = runs.value.find((r) => r.state !== 'running');
  return (
    <div class="studio">
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      <section aria-labelledby="alerts-h">
        <h2 id="alerts-h">Needs a person</h2>
        {alerts.length === 0 ? (
          <p class="ok">Nothing: every device is up and nothing was left undone.</p>
        ) : (
          <ul class="alerts">
            {alerts.map((a) => (
              <li>
                <strong>{a.device}</strong> {a.text}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section class="cards">
        <div class="card">
          <h2>Last line check</h2>
          {last ? (
            <p>
              {ago(last.finished_at ?? last.started_at)}: {last.state}
              {last.summary &&
                ` — ${Object.entries(last.summary)
                  .map(([k, v]) => `${v} ${k}`)
                  .join(', ')}`}
            </p>
          ) : (
            <p>None yet.</p>
          )}
        </div>
        <div class="card">
          <h2>Current version</h2>
          <p>{version.value ? version.value.name : 'No version yet.'}</p>
          <p class="hint">
            {snapshot.value ? `Last snapshot: ${snapshot.value.label} (${ago(snapshot.value.created_at)})` : ''}
          </p>
        </div>
      </section>
      <section aria-labelledby="dev-h">
        <h2 id="dev-h">Devices</h2>
        <div class="table-wrap">
          <table class="devices">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Kind</th>
                <th scope="col">State</th>
                <th scope="col">Since</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {devices.value.map((d) => (
                <tr data-device={d.id}>
                  <th scope="row">{d.id}</th>
                  <td>{d.kind}</td>
                  <td>
                    <span class={`state ${d.state}`}>{d.state}</span>
                  </td>
                  <td class="since">{ago(d.since)}</td>
                  <td class="detail">{d.detail ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
