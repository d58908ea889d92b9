// The bridge in-process against a real Mosquitto: rate limits, the bounded outbox while the broker
// is away, alerts (a device offline past offline_alert_s, a restore that failed), meter summaries.
import { connect, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { startSimApp, waitFor } from '../helpers.ts';
import { Mosquitto } from './broker.ts';

let broker: Mosquitto;
const apps: App[] = [];
const clients: MqttClient[] = [];

beforeAll(async () => {
  broker = await Mosquitto.start([
    { name: 'rad', password: 'pw', acl: ['topic readwrite rad/#'] },
    { name: 'watch', password: 'pw', acl: ['topic read rad/#'] },
  ]);
});
afterAll(async () => {
  for (const c of clients) c.end(true);
  for (const a of apps) await a.stop();
  await broker.stop();
});

async function room(mqtt: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<App> {
  const app = await startSimApp({ mqtt: { url: broker.url, username: 'rad', password: 'pw', ...mqtt }, ...extra });
  apps.push(app);
  await waitFor(() => app.services.bridge?.status().state === 'online', 10000);
  return app;
}

async function watch(filter: string): Promise<Array<{ topic: string; body: unknown; at: number }>> {
  const c = connect(broker.url, { username: 'watch', password: 'pw', reconnectPeriod: 0 });
  clients.push(c);
  await new Promise((r) => c.once('connect', r));
  const got: Array<{ topic: string; body: unknown; at: number }> = [];
  c.on('message', (topic, p) => got.push({ topic, body: p.length ? JSON.parse(p.toString()) : null, at: Date.now() }));
  await c.subscribeAsync(filter);
  return got;
}

const info = (app: App) => app.services.bridge!.describe() as Record<string, number>;

describe('MQTT bridge', () => {
  it('events: a burst beyond events_per_second is dropped and counted, never queued without bound', async () => {
    const app = await room({ room: 'rate', events_per_second: 10 });
    const got = await watch('rad/rate/events/recall.changed');
    for (let i = 0; i < 100; i++) app.services.bus.emit('recall.changed', { kind: 'test', id: String(i) });
    await new Promise((r) => setTimeout(r, 300));
    expect(got.length).toBeGreaterThanOrEqual(9);
    expect(got.length).toBeLessThanOrEqual(11);
    expect(info(app).events_dropped_rate).toBeGreaterThanOrEqual(89);
  });

  it('broker away: events wait in the outbox up to its bound (the rest counted), retained state is re-sent', async () => {
    const app = await room({ room: 'outbox', outbox: 5, events_per_second: 1000 });
    await broker.stop();
    try {
      await waitFor(() => app.services.bridge!.status().state === 'offline', 10000);
    } catch (e) {
      await broker.run();
      throw e;
    }
    // (the bridge's own device.status went in first: events are queued whatever their topic)
    const queued = info(app).outbox;
    for (let i = 0; i < 12; i++) app.services.bus.emit('recall.changed', { kind: 'while-away', id: String(i) });
    expect(info(app).outbox).toBe(5);
    expect(info(app).events_dropped_outbox).toBe(queued + 12 - 5);
    // a snapshot taken while away moves recall/current: it must reach the broker later
    const snap = (
      await app.inject({ method: 'POST', url: '/api/v1/snapshots', payload: { label: 'while away' } })
    ).json();
    await broker.run();
    const got = await watch('rad/outbox/#');
    await waitFor(() => app.services.bridge!.status().state === 'online', 15000, 50);
    await waitFor(
      () =>
        got.some(
          (m) =>
            m.topic === 'rad/outbox/recall/current' &&
            (m.body as { snapshot: { id: string } }).snapshot?.id === snap.id,
        ),
      10000,
    );
    // the queued events were sent on reconnect (the watcher may subscribe after some of them)
    expect(info(app).outbox).toBe(0);
    expect(got.some((m) => m.topic === 'rad/outbox/status' && (m.body as { state: string }).state === 'online')).toBe(
      true,
    );
  }, 40000);

  it('alerts: a restore that failed at once; a device offline past offline_alert_s; cleared when it is back', async () => {
    const app = await room(
      { room: 'alerts', offline_alert_s: 1 },
      {
        patchbays: [
          {
            id: 'bay',
            protocol: 'extron-sis',
            tcp: { host: '127.0.0.1', port: 0 },
            inputs: 4,
            outputs: 4,
            heartbeat_ms: 200,
            timeout_ms: 200,
          },
        ],
      },
    );
    const got = await watch('rad/alerts/alerts');
    const latest = () => got.at(-1)?.body as { alerts: Array<{ device: string; kind: string; message: string }> };
    await waitFor(() => latest()?.alerts.length === 0);
    // the switcher's cable is pulled: the bay goes offline, and after a second that is an alert
    const sim = app.services.studio!.patchbays.get('bay')!;
    sim.pullCable();
    await waitFor(() => app.services.patchbays.get('bay')!.status().state === 'offline', 10000);
    const off = Date.now();
    await waitFor(() => latest()?.alerts.some((a) => a.device === 'bay' && a.kind === 'offline'), 10000);
    expect(Date.now() - off).toBeGreaterThanOrEqual(800);
    app.services.bus.emit('device.alert', {
      device: 'x32-main',
      kind: 'restore-failed',
      message: 'monitors left muted after line check: main/lr/mute',
      at: new Date().toISOString(),
    });
    const t0 = Date.now();
    await waitFor(() => latest()?.alerts.some((a) => a.kind === 'restore-failed'), 5000, 1);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(latest().alerts.find((a) => a.kind === 'restore-failed')).toMatchObject({
      device: 'x32-main',
      message: 'monitors left muted after line check: main/lr/mute',
    });
    // the cable back: the bay reconnects and its offline alert is gone (the restore alert stays)
    sim.plugIn();
    await waitFor(() => latest()?.alerts.every((a) => a.kind !== 'offline'), 20000, 20);
    expect(latest().alerts.map((a) => a.kind)).toEqual(['restore-failed']);
  }, 30000);

  it('meters: a compact summary at most meters_hz, rounded per channel', async () => {
    const app = await room({ room: 'meters', meters_hz: 2 }, { audio: { backend: 'sim', inputs: 4, outputs: 4 } });
    const got = await watch('rad/meters/events/audio.meters');
    await new Promise((r) => setTimeout(r, 3100));
    expect(got.length).toBeGreaterThanOrEqual(4);
    expect(got.length).toBeLessThanOrEqual(7);
    const m = got[0]!.body as { peak_dbfs: Array<number | null>; rms_dbfs: Array<number | null> };
    expect(m.peak_dbfs).toHaveLength(4);
    for (let i = 1; i < got.length; i++) expect(got[i]!.at - got[i - 1]!.at).toBeGreaterThan(350);
    expect(app.services.bridge!.status().state).toBe('online');
  });

  it('settings: a reply topic on another room, commands off by default, a bad URL refused at load', async () => {
    const { validateSettings } = await import('../../src/settings/load.ts');
    const s = validateSettings({ mqtt: { url: 'mqtt://b:1883', room: 'A' } });
    expect(s.mqtt).toMatchObject({ commands: false, base_topic: 'rad', meters_hz: 0, homeassistant: false });
    expect(() => validateSettings({ mqtt: { url: 'http://b', room: 'A' } })).toThrow(/mqtt\.url/);
    expect(() => validateSettings({ mqtt: { url: 'mqtt://b', room: 'A/B' } })).toThrow(/mqtt\.room/);
    expect(() => validateSettings({ mqtt: { url: 'mqtt://b', room: 'A', cert: 'c.pem' } })).toThrow(
      /mqtt\.key|mqtt\.cert/,
    );
    const { isSafeReplyTopic } = await import('../../src/facility/bridge.ts');
    expect(isSafeReplyTopic('rad/A/reply/tech', 'rad', 'A')).toBe(true);
    expect(isSafeReplyTopic('phones/tech/inbox', 'rad', 'A')).toBe(true);
    expect(isSafeReplyTopic('rad/B/status', 'rad', 'A')).toBe(false);
    expect(isSafeReplyTopic('rad/A/status', 'rad', 'A')).toBe(false);
    expect(isSafeReplyTopic('rad/A/reply/#', 'rad', 'A')).toBe(false);
    expect(isSafeReplyTopic('$SYS/x', 'rad', 'A')).toBe(false);
  });
});
