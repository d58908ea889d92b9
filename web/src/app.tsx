import { signal, useSignal } from '@preact/signals';
import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import { ApiError, api, describe, setCsrf } from './api.ts';
import { connection, openStream } from './events.ts';
import { AudioPage } from './pages/audio.tsx';
import { ConsolePage } from './pages/console.tsx';
import { FacilityPage } from './pages/facility.tsx';
import { LayoutPage } from './pages/layout.tsx';
import { LinecheckPage } from './pages/linecheck.tsx';
import { PatchingPage } from './pages/patching.tsx';
import { RecallPage } from './pages/recall.tsx';
import { SoundcheckPage } from './pages/soundcheck.tsx';
import { StudioPage } from './pages/studio.tsx';
import { bus } from './state.ts';

const PAGES = [
  ['/studio', 'Studio', StudioPage],
  ['/linecheck', 'Line check', LinecheckPage],
  ['/soundcheck', 'Sound check', SoundcheckPage],
  ['/patching', 'Patching', PatchingPage],
  ['/console', 'Console', ConsolePage],
  ['/audio', 'Audio', AudioPage],
  ['/layout', 'Layout', LayoutPage],
  ['/recall', 'Recall', RecallPage],
  ['/facility', 'Facility', FacilityPage],
] as const;

const path = signal(location.pathname === '/' ? '/studio' : location.pathname);
const session = signal<'unknown' | 'in' | 'out'>('unknown');

export function go(to: string): void {
  if (to === path.value) return;
  history.pushState(null, '', to);
  path.value = to;
}
window.addEventListener('popstate', () => {
  path.value = location.pathname === '/' ? '/studio' : location.pathname;
});

function Login() {
  const error = useSignal('');
  const submit = async (e: Event) => {
    e.preventDefault();
    const input = (e.currentTarget as HTMLFormElement).elements.namedItem('token') as HTMLInputElement;
    try {
      const r = await api<{ csrf: string }>('POST', '/api/v1/session', { token: input.value.trim() });
      setCsrf(r.csrf);
      input.value = '';
      session.value = 'in';
      if (path.value === '/login') go('/studio');
    } catch (err) {
      error.value = describe(err);
    }
  };
  return (
    <main class="login">
      <h1>rad</h1>
      <form onSubmit={submit}>
        <label for="token">API token</label>
        <p class="hint">
          Run <code>rad token</code> on the rack machine (it is in <code>data_dir/token</code>). The page keeps a
          session cookie, never the token.
        </p>
        <input id="token" name="token" type="password" autocomplete="off" required />
        <button type="submit">Log in</button>
        {error.value && (
          <p class="error" role="alert">
            {error.value}
          </p>
        )}
      </form>
    </main>
  );
}

function Shell() {
  useEffect(() => {
    // the main stream: device state for the header and every page that shows devices
    return openStream(['device.status', 'device.alert', 'job.done', 'recall.changed'], (p, t) => bus.emit(t, p), true);
  }, []);
  const current = PAGES.find(([p]) => p === path.value) ?? PAGES[0];
  const Page = current[2];
  const logout = async () => {
    await api('DELETE', '/api/v1/session').catch(() => undefined);
    session.value = 'out';
  };
  return (
    <>
      <header>
        <span class="brand">rad</span>
        <nav aria-label="Pages">
          {PAGES.map(([p, label]) => (
            <a
              href={p}
              aria-current={p === current[0] ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                go(p);
              }}
            >
              {label}
            </a>
          ))}
        </nav>
        <span class={`conn ${connection.value}`} role="status">
          {connection.value === 'online' ? 'live' : connection.value === 'offline' ? 'offline: reconnecting' : '…'}
        </span>
        <button type="button" class="quiet" onClick={logout}>
          Log out
        </button>
      </header>
      <main id="page">
        <h1>{current[1]}</h1>
        <Page />
      </main>
    </>
  );
}

function App() {
  useEffect(() => {
    api<{ authenticated: boolean; csrf?: string }>('GET', '/api/v1/session')
      .then((s) => {
        if (s.csrf) setCsrf(s.csrf);
        session.value = s.authenticated ? 'in' : 'out';
      })
      .catch(() => {
        session.value = 'out';
      });
    // a 401 anywhere means the session ended (daemon restarted, token rotated)
    const onRejection = (e: PromiseRejectionEvent) => {
      if (e.reason instanceof ApiError && e.reason.status === 401) session.value = 'out';
    };
    window.addEventListener('unhandledrejection', onRejection);
    return () => window.removeEventListener('unhandledrejection', onRejection);
  }, []);
  if (session.value === 'unknown') return <main aria-busy="true">Loading…</main>;
  return session.value === 'in' ? <Shell /> : <Login />;
}

const root = document.getElementById('app')!;
root.textContent = '';
render(<App />, root);
