import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, describe } from '../api.ts';
import { ago } from '../state.ts';

type Snap = { id: string; label: string; family: string; created_at: string };
type Diff = { a: string; b: string; strips: Array<{ strip: string; text: string }>; patchbays: unknown[] };

/** Snapshots: take one, see what differs from the desk now in studio words, restore after seeing what will change. */
export function RecallPage() {
  const snaps = useSignal<Snap[]>([]);
  const diff = useSignal<{ snap: Snap; d: Diff } | null>(null);
  const error = useSignal('');
  const status = useSignal('');

  const load = async () => {
    snaps.value = (await api<{ snapshots: Snap[] }>('GET', '/api/v1/snapshots')).snapshots;
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
