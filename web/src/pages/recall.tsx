import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, describe } from '../api.ts';
import { ago } from '../state.ts';

type Snap = { id: string; label: string; family: string; created_at: string };
type Print = { path: string; seconds: number; integrated_lufs: number; true_peak_dbtp: number; sha256?: string };
type Version = { id: string; name: string; created_at: string; notes?: string; print?: Print | null };
type Sheet = {
  version: string;
  units: Array<{ unit: { make: string; model: string; serial?: string }; settings: Record<string, number | string> }>;
};
type Diff = { a: string; b: string; strips: Array<{ strip: string; text: string }>; patchbays: unknown[] };

/** Snapshots: take one, see what differs from the desk now in studio words, restore after seeing what will change. */
export function RecallPage() {
  const snaps = useSignal<Snap[]>([]);
  const diff = useSignal<{ snap: Snap; d: Diff } | null>(null);
  const error = useSignal('');
  const status = useSignal('');
  const versions = useSignal<Version[]>([]);
  const sheet = useSignal<Sheet | null>(null);

  const load = async () => {
    snaps.value = (await api<{ snapshots: Snap[] }>('GET', '/api/v1/snapshots')).snapshots;
    const list = (await api<{ versions: Version[] }>('GET', '/api/v1/versions')).versions;
    versions.value = await Promise.all(
      list.map((v) => api<Version>('GET', `/api/v1/versions/${encodeURIComponent(v.id)}`)),
    );
  };
  const showSheet = async (v: Version) => {
    try {
      sheet.value = await api<Sheet>('GET', `/api/v1/versions/${encodeURIComponent(v.id)}/recall-sheet`);
    } catch (e) {
      error.value = describe(e);
    }
  };
  const mixbook = async (e: Event) => {
    e.preventDefault();
    const f = e.currentTarget as HTMLFormElement;
    const project = (f.elements.namedItem('project') as HTMLInputElement).value;
    status.value = 'writing the mix book…';
    try {
      const r = await api<{ html: string; pdf?: string; pdf_skipped?: string }>('POST', '/api/v1/mixbook', {
        project,
        out: project.replace(/[^A-Za-z0-9_.-]+/g, '_'),
        overwrite: true,
      });
      status.value = `mix book written: ${r.html}${r.pdf ? ` and ${r.pdf}` : r.pdf_skipped ? ` (${r.pdf_skipped})` : ''}`;
    } catch (err) {
      status.value = '';
      error.value = describe(err);
    }
  };
  useEffect(() => {
    void load().catch((e) => (error.value = describe(e)));
  }, []);
  const take = async (e: Event) => {
    e.preventDefault();
    const input = (e.currentTarget as HTMLFormElement).elements.namedItem('label') as HTMLInputElement;
    status.value = 'taking a snapshot…';
    try {
      const s = await api<Snap>('POST', '/api/v1/snapshots', { label: input.value });
      status.value = `snapshot "${s.label}" taken`;
      input.value = '';
      await load();
    } catch (err) {
      status.value = '';
      error.value = describe(err);
    }
  };
  const compare = async (s: Snap) => {
    error.value = '';
    try {
      const d = await api<Diff>('GET', `/api/v1/snapshots/diff?a=${encodeURIComponent(s.id)}&b=live`);
      diff.value = { snap: s, d };
    } catch (err) {
      error.value = describe(err);
    }
  };
  const restore = async () => {
    const s = diff.value?.snap;
    if (!s) return;
    status.value = `restoring "${s.label}"…`;
    try {
      const r = await api<{ ok?: boolean; written?: number }>(
        'POST',
        `/api/v1/snapshots/${encodeURIComponent(s.id)}/restore`,
        {},
      );
      status.value = `restored "${s.label}"${r.written !== undefined ? `: ${r.written} values written` : ''}`;
      await compare(s);
    } catch (err) {
      status.value = '';
      error.value = describe(err);
    }
  };
  const changes = diff.value ? diff.value.d.strips.length + diff.value.d.patchbays.length : 0;
  return (
    <div class="recall">
      <form onSubmit={take} class="toolbar">
        <label for="label">Label</label>
        <input id="label" name="label" required maxLength={100} placeholder="before overdubs" />
        <button type="submit">Take snapshot</button>
      </form>
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      <p role="status" class="hint">
        {status.value}
      </p>
      <ul class="snaps">
        {snaps.value.map((s) => (
          <li>
            <strong>{s.label}</strong> <span class="hint">{ago(s.created_at)}</span>{' '}
            <button type="button" onClick={() => compare(s)}>
              Compare with the desk now
            </button>
          </li>
        ))}
      </ul>
      <section aria-labelledby="versions-h">
        <h2 id="versions-h">Versions</h2>
        {versions.value.length === 0 && <p class="hint">No versions yet (rad print start --version NAME).</p>}
        <ul class="versions">
          {versions.value.map((v) => (
            <li data-version={v.name}>
              <strong>{v.name}</strong> <span class="hint">{ago(v.created_at)}</span>
              {v.print ? (
                <div class="print">
                  <span>
                    {v.print.seconds.toFixed(1)} s · {v.print.integrated_lufs.toFixed(1)} LUFS ·{' '}
                    {v.print.true_peak_dbtp.toFixed(1)} dBTP
                    {v.print.sha256 ? ` · SHA-256 ${v.print.sha256.slice(0, 12)}…` : ''}
                  </span>
                  {/* biome-ignore lint/a11y/useMediaCaption: a mix print has no words to caption */}
                  <audio controls preload="none" src={`/api/v1/versions/${encodeURIComponent(v.id)}/print.wav`} />
                </div>
              ) : (
                <span class="hint"> no print</span>
              )}{' '}
              <button type="button" onClick={() => showSheet(v)}>
                Recall sheet
              </button>
            </li>
          ))}
        </ul>
        {sheet.value && (
          <div class="sheet">
            <h3>Recall sheet: {sheet.value.version}</h3>
            {sheet.value.units.length === 0 ? (
              <p class="hint">No outboard settings recorded for this version.</p>
            ) : (
              <ul>
                {sheet.value.units.map((u) => (
                  <li>
                    <strong>
                      {u.unit.make} {u.unit.model}
                    </strong>
                    :{' '}
                    {Object.entries(u.settings)
                      .map(([k, val]) => `${k} ${val}`)
                      .join(', ')}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        <form onSubmit={mixbook} class="toolbar">
          <label for="project">Mix book for project</label>
          <input id="project" name="project" required maxLength={200} />
          <button type="submit">Write the mix book</button>
        </form>
      </section>
      {diff.value && (
        <section class="diff" aria-labelledby="diff-h">
          <h2 id="diff-h">
            "{diff.value.snap.label}" vs the desk now: {changes === 0 ? 'no differences' : `${changes} differences`}
          </h2>
          <ul>
            {diff.value.d.strips.map((x) => (
              <li data-strip={x.strip}>{x.text}</li>
            ))}
            {diff.value.d.patchbays.map((p) => (
              <li>{JSON.stringify(p)}</li>
            ))}
          </ul>
          {changes > 0 && (
            <button type="button" class="danger" onClick={restore}>
              Restore these {changes} differences to the snapshot
            </button>
          )}
        </section>
      )}
    </div>
  );
}
