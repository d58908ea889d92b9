// A tiny in-page event hub fed by the main WebSocket, so pages share one stream.
type Fn = (payload: unknown) => void;
const listeners = new Map<string, Set<Fn>>();

export const bus = {
  on(topic: string, fn: Fn): () => void {
    let s = listeners.get(topic);
    if (!s) listeners.set(topic, (s = new Set()));
    s.add(fn);
    return () => s!.delete(fn);
  },
  emit(topic: string, payload: unknown): void {
    for (const fn of listeners.get(topic) ?? []) fn(payload);
  },
};

export const ago = (iso: string | undefined): string => {
  if (!iso) return '';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return new Date(iso).toLocaleString();
};

export const fmtDb = (v: unknown): string =>
  v === '-inf' || v === null || v === undefined
    ? '−∞'
    : typeof v === 'number'
      ? `${v > 0 ? '+' : ''}${v.toFixed(1)}`
      : String(v);

/** A console colour name (X32 `RD`, `GNi` inverted, a profile's colour) as a CSS colour for the strip's top edge. */
const COLOURS: Record<string, string> = {
  RD: '#d9534f',
  GN: '#4fd18b',
  YE: '#ffc857',
  BL: '#4a90e2',
  MG: '#c36bd8',
  CY: '#38c7d4',
  WH: '#e8eaed',
  OFF: '#444',
};
export const colourOf = (c: unknown): string =>
  typeof c === 'string' ? (COLOURS[c.replace(/i$/, '').toUpperCase()] ?? '#444') : '#444';
