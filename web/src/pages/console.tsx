import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { api, describe } from '../api.ts';
import { openStream } from '../events.ts';
import { colourOf, fmtDb } from '../state.ts';

type Strip = { n: number; name: unknown; color: unknown; fader: unknown; mute: unknown; phantom: unknown };
type Con = { id: string; family: string; state: string };

/** Strips with name, fader, mute and phantom, live; edits are written and read back; scene recall. */
export function ConsolePage() {
  const consoles = useSignal<Con[]>([]);
  const id = useSignal('');
  const strips = useSignal<Strip[]>([]);
  const error = useSignal('');
  const status = useSignal('');
  const list = useRef<HTMLUListElement>(null);

  const load = async (cid: string) => {
    strips.value = (await api<{ strips: Strip[] }>('GET', `/api/v1/consoles/${cid}/strips`)).strips;
  };
  useEffect(() => {
    api<{ consoles: Con[] }>('GET', '/api/v1/consoles')
      .then(async (r) => {
        consoles.value = r.consoles;
        if (r.consoles[0]) {
          id.value = r.consoles[0].id;
          await load(id.value);
        }
      })
      .catch((e) => (error.value = describe(e)));
  }, []);
  useEffect(() => {
    if (!id.value) return;
    // a change (a surface move, another client, a scene recall's hundreds) reloads the strips
    // from the live model at most every 150 ms
    let timer: number | undefined;
    const close = openStream(['console.changed'], (p) => {
      if ((p as { console: string }).console !== id.value || timer !== undefined) return;
      timer = window.setTimeout(() => {
        timer = undefined;
        void load(id.value).catch(() => undefined);
      }, 150);
    });
    return () => {
      window.clearTimeout(timer);
      close();
    };
  }, [id.value]);

  // the console's input meters (X32: /meters bank 1), asked for only while this page is open;
  // drawn once per animation frame straight into each strip's bar
  useEffect(() => {
    if (!id.value) return;
    let latest: number[] | undefined;
    let frame = 0;
    const draw = () => {
      frame = 0;
      const root = list.current;
      if (!root || !latest) return;
      for (const bar of root.querySelectorAll<HTMLElement>('.cmeter')) {
        const n = Number(bar.dataset.strip);
        const v = latest[n - 1] ?? 0;
        const db = v > 0 ? 20 * Math.log10(v) : -90;
        (bar.firstElementChild as HTMLElement).style.width = `${Math.max(0, Math.min(100, ((db + 60) / 60) * 100))}%`;
        bar.dataset.db = db.toFixed(1);
      }
    };
    return openStream(['console.meters'], (p) => {
      const e = p as { console: string; bank: number; values: number[] };
      if (e.console !== id.value || e.bank !== 1) return;
      latest = e.values;
      if (!frame) frame = requestAnimationFrame(draw);
    });
  }, [id.value]);

  const write = async (path: string, value: unknown) => {
    error.value = '';
    try {
      const r = await api<{ ok: boolean; results: Array<{ verdict: string }> }>(
        'PUT',
        `/api/v1/consoles/${id.value}/values`,
        { path, value },
      );
      status.value = `${path} → ${JSON.stringify(value)}: ${r.results.map((x) => x.verdict).join(', ')}`;
      await load(id.value);
    } catch (e) {
      error.value = describe(e);
    }
  };
  const recall = async (e: Event) => {
    e.preventDefault();
    const n = Number(((e.currentTarget as HTMLFormElement).elements.namedItem('scene') as HTMLInputElement).value);
    try {
      const r = await api<{ changed: number }>('POST', `/api/v1/consoles/${id.value}/scenes/recall`, { number: n });
      status.value = `scene ${n} recalled: ${r.changed} values changed`;
      await load(id.value);
    } catch (err) {
      error.value = describe(err);
    }
  };
  return (
    <div class="console">
      <div class="toolbar">
        <label>
          Console{' '}
          <select
            value={id.value}
            onChange={(e) => {
              id.value = e.currentTarget.value;
              void load(id.value);
            }}
          >
            {consoles.value.map((c) => (
              <option value={c.id}>
                {c.id} ({c.family}, {c.state})
              </option>
            ))}
          </select>
        </label>
        <form onSubmit={recall} class="inline">
          <label for="scene">Scene</label>
          <input id="scene" name="scene" type="number" min={0} max={300} required />
          <button type="submit">Recall</button>
        </form>
      </div>
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      <p role="status" class="hint">
        {status.value}
      </p>
      <ul class="strips" ref={list}>
        {strips.value.map((s) => (
          <li class="strip" data-strip={s.n} style={{ borderTop: `4px solid ${colourOf(s.color)}` }}>
            <span class="n">{s.n}</span>
            <div class="cmeter" data-strip={s.n} aria-hidden="true">
              <div />
            </div>
            <span class="sname">{typeof s.name === 'string' && s.name ? s.name : `Ch ${s.n}`}</span>
            <label class="fader">
              <span class="value" data-fader={s.n}>
                {fmtDb(s.fader)} dB
              </span>
              <input
                type="range"
                min={-60}
                max={10}
                step={0.5}
                value={typeof s.fader === 'number' ? s.fader : -60}
                aria-label={`input ${s.n} fader`}
                onChange={(e) => write(`input/${s.n}/fader`, Number(e.currentTarget.value))}
              />
            </label>
            <button
              type="button"
              class={`mute ${s.mute ? 'on' : ''}`}
              aria-pressed={s.mute === true}
              onClick={() => write(`input/${s.n}/mute`, !s.mute)}
            >
              Mute
            </button>
            {s.phantom !== null && (
              <button
                type="button"
                class={`phantom ${s.phantom ? 'on' : ''}`}
                aria-pressed={s.phantom === true}
                onClick={() => write(`input/${s.n}/phantom`, !s.phantom)}
              >
                48V
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
