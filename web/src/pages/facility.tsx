import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { ApiError, api, describe } from '../api.ts';
import { ago } from '../state.ts';

type Room = {
  room: string;
  status?: { state: string; reason?: string; devices?: Array<{ id: string; state: string }> };
  linecheck?: {
    finished_at?: string;
    started_at: string;
    summary: Record<string, number>;
    failures: Array<{ path: string; verdict: string }>;
  };
  recall?: { version: { name: string } | null };
  alerts?: { alerts: Array<{ device: string; kind: string; message: string }> };
  backup?: { ok: boolean; at: string; target: string };
};

/** Every room's rad on the facility's broker (the same retained topics `rad facility` reads), every 10 s. */
export function FacilityPage() {
  const rooms = useSignal<Room[] | null>(null);
  const error = useSignal('');
  const none = useSignal(false);
  useEffect(() => {
    const load = () =>
      api<{ rooms: Room[] }>('GET', '/api/v1/facility')
        .then((r) => {
          rooms.value = r.rooms;
          error.value = '';
        })
        .catch((e) => {
          if (e instanceof ApiError && e.code === 'E_NO_MQTT') none.value = true;
          else error.value = describe(e);
        });
    // only a rad with a bridge (device `mqtt`) is on a facility broker: ask it then
    void api<{ devices: Array<{ id: string; kind: string }> }>('GET', '/api/v1/status').then((st) => {
      if (st.devices.some((d) => d.kind === 'bridge')) void load();
      else none.value = true;
    });
    const t = window.setInterval(() => !none.value && rooms.value && void load(), 10000);
    return () => window.clearInterval(t);
  }, []);
  if (none.value)
    return (
      <p class="hint">
        This rad is not on a facility broker. Add an <code>mqtt:</code> section to its settings (README, "Many rooms").
      </p>
    );
  return (
    <div class="facility">
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      {rooms.value && (
        <table>
          <thead>
            <tr>
              <th scope="col">Room</th>
              <th scope="col">State</th>
              <th scope="col">Devices</th>
              <th scope="col">Last line check</th>
              <th scope="col">Version</th>
              <th scope="col">Backup</th>
              <th scope="col">Alerts</th>
            </tr>
          </thead>
          <tbody>
            {rooms.value.map((r) => {
              const devs = r.status?.devices ?? [];
              const lc = r.linecheck;
              return (
                <tr data-room={r.room}>
                  <th scope="row">{r.room}</th>
                  <td>
                    <span class={`state ${r.status?.state === 'online' ? 'online' : 'offline'}`}>
                      {r.status?.state ?? 'unknown'}
                    </span>
                    {r.status?.reason ? ` (${r.status.reason})` : ''}
                  </td>
                  <td>
                    {devs.length ? `${devs.filter((d) => d.state === 'online').length}/${devs.length} online` : '—'}
                  </td>
                  <td>
                    {lc
                      ? `${ago(lc.finished_at ?? lc.started_at)}: ${Object.entries(lc.summary)
                          .map(([k, v]) => `${v} ${k}`)
                          .join(', ')}`
                      : '—'}
                  </td>
                  <td>{r.recall?.version?.name ?? '—'}</td>
                  <td>{r.backup ? `${r.backup.ok ? 'ok' : 'FAILED'} ${ago(r.backup.at)}` : '—'}</td>
                  <td>
                    {(r.alerts?.alerts ?? []).length === 0 ? (
                      '0'
                    ) : (
                      <ul class="alerts">
                        {r.alerts!.alerts.map((a) => (
                          <li>
                            {a.device} {a.kind}: {a.message}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
