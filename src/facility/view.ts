import { randomBytes } from 'node:crypto';
import type { IClientOptions } from 'mqtt';
import { connectOnce } from './connect.ts';
import { RadError } from '../core/errors.ts';
import {
  type Alerts,
  type BackupLast,
  type DeviceSummary,
  facilityFilters,
  type LinecheckLast,
  parseRoomTopic,
  type RecallCurrent,
  type RoomStatus,
} from './topics.ts';

export type RoomView = {
  room: string;
  status?: RoomStatus;
  devices: DeviceSummary[];
  linecheck?: LinecheckLast;
  recall?: RecallCurrent;
  alerts?: Alerts;
  backup?: BackupLast;
  /** Payloads that were not JSON (a room speaking something else): named, never fatal. */
  problems: string[];
};

export type FacilityView = { broker: string; rooms: RoomView[]; seconds: number; round_trip_ms: number };

/** Folds one retained message into the rooms seen so far. */
export function foldMessage(rooms: Map<string, RoomView>, base: string, topic: string, payload: Buffer): void {
  const at = parseRoomTopic(base, topic);
  if (!at || payload.length === 0) return; // an empty retained payload is a cleared topic
  let r = rooms.get(at.room);
  if (!r) rooms.set(at.room, (r = { room: at.room, devices: [], problems: [] }));
  let v: unknown;
  try {
    v = JSON.parse(payload.toString('utf8'));
  } catch {
    r.problems.push(`${at.rest}: not JSON`);
    return;
  }
  if (!v || typeof v !== 'object') {
    r.problems.push(`${at.rest}: not an object`);
    return;
  }
  if (at.rest === 'status') r.status = v as RoomStatus;
  else if (at.rest === 'linecheck/last') r.linecheck = v as LinecheckLast;
  else if (at.rest === 'recall/current') r.recall = v as RecallCurrent;
  else if (at.rest === 'alerts') r.alerts = v as Alerts;
  else if (at.rest === 'backup/last') r.backup = v as BackupLast;
  else if (at.rest.startsWith('devices/')) {
    const d = v as DeviceSummary;
    r.devices = [...r.devices.filter((x) => x.id !== d.id), d];
  }
}

/**
 * Reads every room's retained state from the broker and returns. Retained messages arrive right
 * after the SUBACK of the subscription they match; a second SUBSCRIBE's SUBACK comes back behind
 * them (one connection, in order), so it marks the end: no fixed wait. A short grace of a few
 * measured round trips covers brokers that interleave.
 */
export async function readFacility(
  url: string,
  opts: IClientOptions & { base?: string; timeoutMs?: number } = {},
): Promise<FacilityView> {
  const t0 = performance.now();
  const base = opts.base ?? 'rad';
  const timeoutMs = opts.timeoutMs ?? 5000;
  const { base: _b, timeoutMs: _t, ...clientOpts } = opts;
  const client = await connectOnce(url, {
    clientId: `rad-facility-${randomBytes(4).toString('hex')}`,
    protocolVersion: 5,
    clean: true,
    connectTimeout: timeoutMs,
    ...clientOpts,
  });
  const rooms = new Map<string, RoomView>();
  try {
    let received = 0;
    client.on('message', (topic, payload) => {
      received++;
      foldMessage(rooms, base, topic, payload);
    });
    const work = (async () => {
      await client.subscribeAsync(facilityFilters(base), { qos: 0 });
      const b0 = performance.now();
      // the barrier: a topic nobody publishes (a refused subscription still answers)
      await client
        .subscribeAsync(`${base}/$facility-barrier/${randomBytes(4).toString('hex')}`, { qos: 0 })
        .catch(() => undefined);
      const rtt = performance.now() - b0;
      // grace: until nothing arrived for 2 round trips (at least 5 ms)
      const quiet = Math.max(5, 2 * rtt);
      let n = -1;
      while (n !== received) {
        n = received;
        await new Promise((r) => setTimeout(r, quiet));
      }
      return rtt;
    })();
    let timer: NodeJS.Timeout | undefined;
    const rtt = await Promise.race([
      work,
      new Promise<never>((_, rej) => {
        timer = setTimeout(
          () => rej(new RadError('E_MQTT_UNREACHABLE', `broker ${url}: no answer to SUBSCRIBE in ${timeoutMs} ms`, {})),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    const list = [...rooms.values()].sort((a, b) => a.room.localeCompare(b.room));
    for (const r of list) r.devices.sort((a, b) => a.id.localeCompare(b.id));
    return { broker: url, rooms: list, seconds: (performance.now() - t0) / 1000, round_trip_ms: rtt };
  } finally {
    await client.endAsync(true).catch(() => undefined);
  }
}
