import { signal } from '@preact/signals';

/** Whether the page's main event stream is connected (shown in the header). */
export const connection = signal<'connecting' | 'online' | 'offline'>('connecting');

type Listener = (payload: unknown, topic: string) => void;

/**
 * One WebSocket on /api/v1/events for the given topics; reconnects by itself with backoff
 * (0.5 s doubling to 8 s). Returns a function that closes it for good.
 */
export function openStream(topics: string[], onEvent: Listener, main = false): () => void {
  let ws: WebSocket | undefined;
  let closed = false;
  let delay = 500;
  let timer: number | undefined;
  const connect = () => {
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    ws = new WebSocket(`${proto}://${location.host}/api/v1/events?topics=${encodeURIComponent(topics.join(','))}`);
    ws.onopen = () => {
      delay = 500;
      if (main) connection.value = 'online';
    };
    ws.onmessage = (m) => {
      try {
        const e = JSON.parse(String(m.data)) as { topic: string; payload: unknown };
        if (e.topic !== 'hello') onEvent(e.payload, e.topic);
      } catch {
        // a frame that is not JSON: ignored
      }
    };
    ws.onclose = () => {
      if (closed) return;
      if (main) connection.value = 'offline';
      timer = window.setTimeout(connect, delay);
      delay = Math.min(8000, delay * 2);
    };
  };
  connect();
  return () => {
    closed = true;
    window.clearTimeout(timer);
    ws?.close();
  };
}
