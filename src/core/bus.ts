import type { DeviceState } from './status.ts';

/** Every bus topic and its payload. WebSocket `?topics=` filters use these names. */
export interface BusEvents {
  'device.status': {
    device: string;
    kind: string;
    state: DeviceState;
    since: string;
    detail?: string;
    alerts?: string[];
  };
  /** Every write to a device, as the audit log stores it (the store subscribes to this). */
  'device.write': {
    actor: string;
    device: string;
    action: string;
    target?: string;
    value?: unknown;
    result: 'ok' | 'error' | 'mismatch' | 'partial';
    detail?: string;
  };
  /** Something a person must hear about: monitors left muted, a tie not restored, a restore that failed. */
  'device.alert': { device: string; kind: string; message: string; at: string };
  'console.changed': { console: string; path: string; value: unknown; source: 'device' | 'rad' };
  'console.meters': { console: string; bank: number; values: number[] };
  'patchbay.changed': { patchbay: string; output: number; input: number | null; layer?: string };
  'audio.meters': { channels: Array<{ channel: number; rms_dbfs: number; peak_dbfs: number }> };
  'audio.tuner': { channel: number; hz: number | null; note: string | null; cents: number | null };
  'linecheck.progress': { run: string; done: number; total: number; phase: string };
  'linecheck.result': { run: string; path: string; verdict: string; detail?: Record<string, unknown> };
  'job.progress': { job: string; kind: string; fraction: number };
  'job.done': { job: string; kind: string; ok: boolean; result?: unknown; error?: string };
  'recall.changed': { kind: string; id: string };
}

export type Topic = keyof BusEvents;
export const TOPICS: readonly Topic[] = [
  'device.status',
  'device.write',
  'device.alert',
  'console.changed',
  'console.meters',
  'patchbay.changed',
  'audio.meters',
  'audio.tuner',
  'linecheck.progress',
  'linecheck.result',
  'job.progress',
  'job.done',
  'recall.changed',
];

export type BusListener<T extends Topic> = (payload: BusEvents[T], topic: T) => void;
type AnyListener = (payload: unknown, topic: Topic) => void;

/**
 * Typed event bus. Listeners are registered per owner so a service removes all of its own
 * listeners in one call when it stops (zigbee2mqtt's eventBus pattern).
 */
export class Bus {
  private readonly byTopic = new Map<Topic, Map<object, Set<AnyListener>>>();
  private readonly wildcard = new Map<object, Set<AnyListener>>();
  /** Topics someone listening through onAny wants (a WebSocket client's filter). */
  private readonly interest = new Map<object, Set<Topic>>();
  private readonly onListenerError: (err: unknown, topic: Topic) => void;

  constructor(onListenerError?: (err: unknown, topic: Topic) => void) {
    this.onListenerError = onListenerError ?? (() => {});
  }

  on<T extends Topic>(topic: T, owner: object, listener: BusListener<T>): void {
    let owners = this.byTopic.get(topic);
    if (!owners) {
      owners = new Map();
      this.byTopic.set(topic, owners);
    }
    let set = owners.get(owner);
    if (!set) {
      set = new Set();
      owners.set(owner, set);
    }
    set.add(listener as AnyListener);
  }

  /** Listen to every topic (the WebSocket stream uses this). */
  onAny(owner: object, listener: (payload: unknown, topic: Topic) => void): void {
    let set = this.wildcard.get(owner);
    if (!set) {
      set = new Set();
      this.wildcard.set(owner, set);
    }
    set.add(listener);
  }

  removeOwner(owner: object): void {
    for (const owners of this.byTopic.values()) owners.delete(owner);
    this.wildcard.delete(owner);
    this.interest.delete(owner);
  }

  /** An onAny listener says which topics it passes on, so producers of costly ones know. */
  want(owner: object, topics: Iterable<Topic>): void {
    this.interest.set(owner, new Set(topics));
  }

  /** Whether anyone listens to this topic: producers of costly streams (meters) run only then. */
  wants(topic: Topic): boolean {
    for (const s of this.byTopic.get(topic)?.values() ?? []) if (s.size > 0) return true;
    for (const t of this.interest.values()) if (t.has(topic)) return true;
    return false;
  }

  emit<T extends Topic>(topic: T, payload: BusEvents[T]): void {
    const owners = this.byTopic.get(topic);
    if (owners) for (const set of owners.values()) for (const l of set) this.call(l, payload, topic);
    for (const set of this.wildcard.values()) for (const l of set) this.call(l, payload, topic);
  }

  listenerCount(): number {
    let n = 0;
    for (const owners of this.byTopic.values()) for (const s of owners.values()) n += s.size;
    for (const s of this.wildcard.values()) n += s.size;
    return n;
  }

  private call(l: AnyListener, payload: unknown, topic: Topic): void {
    try {
      l(payload, topic);
    } catch (err) {
      this.onListenerError(err, topic);
    }
  }
}

/**
 * Parses a `?topics=console.*,linecheck.result` filter. A pattern that matches no known
 * topic is an error naming it.
 */
export function parseTopicFilter(spec: string | undefined): Set<Topic> | { unknown: string } {
  if (spec === undefined || spec.trim() === '') return new Set(TOPICS);
  const out = new Set<Topic>();
  for (const raw of spec.split(',')) {
    const pat = raw.trim();
    if (pat === '') continue;
    const matched = TOPICS.filter((t) =>
      pat === '*' ? true : pat.endsWith('.*') ? t.startsWith(pat.slice(0, -1)) : t === pat,
    );
    if (matched.length === 0) return { unknown: pat };
    for (const t of matched) out.add(t);
  }
  return out;
}
