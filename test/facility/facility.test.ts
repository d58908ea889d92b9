// Every room's rad on one real Mosquitto broker (password file + ACL): two daemons as real
// processes publish their state; `rad facility` lists both; SIGKILL shows a room offline through
// its last will; commands go through only for a client the ACL lets publish; a broker restart is
// survived and the retained state comes back.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RadProcess, readyUrl, runRad, tempDir, waitFor, writeConfig } from '../helpers.ts';
import { Mosquitto } from './broker.ts';

const USERS = [
  // each room writes only its own tree and reads every room's (its page's Facility view)
  {
    name: 'room-a',
    password: 'pw-a',
    acl: ['topic readwrite rad/A/#', 'topic read rad/#', 'topic write homeassistant/#'],
  },
  {
    name: 'room-b',
    password: 'pw-b',
    acl: ['topic readwrite rad/B/#', 'topic read rad/#', 'topic write homeassistant/#'],
  },
  // the tech may read everything and send commands; replies only reach the client id they name
  { name: 'tech', password: 'pw-t', acl: ['topic read rad/#', 'topic write rad/+/cmd/#'] },
  // the house dashboard reads, and may not command
  { name: 'viewer', password: 'pw-v', acl: ['topic read rad/#', 'topic read homeassistant/#'] },
];

let broker: Mosquitto;
const rooms = new Map<string, { p: RadProcess; dir: string; api: string; token: string }>();
const clients: MqttClient[] = [];

function roomConfig(dir: string, room: string, user: string, password: string, faults: unknown[] = []): string {
  return writeConfig(dir, {
    api: { port: 0 },
    data_dir: join(dir, 'data'),
    log_level: 'info',
    consoles: [{ id: 'x32-main', family: 'x32', host: '127.0.0.1', port: 0 }],
    wiring: [
      { from: 'iface:out:1-8', to: 'tie:1-8' },
      { from: 'tie:1-8', to: 'x32-main:in:1-8' },
      { from: 'x32-main:in:1-8', to: 'iface:in:1-8' },
    ],
    audio: { backend: 'sim', inputs: 8, outputs: 8 },
    linecheck: { plan: [{ source: 'tie:1-8', input: 'x32-main:in:1-8' }] },
    sim: { enabled: true, faults },
    mqtt: {
      url: broker.url,
      room,
      username: user,
      password,
      commands: true,
      verbs: ['linecheck', 'snapshot', 'tone-off'],
      homeassistant: true,
    },
  });
}

async function startRoom(room: string, user: string, password: string, faults: unknown[] = []): Promise<void> {
  const dir = tempDir(`rad-room-${room}-`);
  const p = runRad(['start', '--config', roomConfig(dir, room, user, password, faults)]);
  const api = await readyUrl(p, 30000);
  const token = readFileSync(join(dir, 'data', 'token'), 'utf8').trim();
  rooms.set(room, { p, dir, api, token });
}

async function client(user: string, password: string, clientId: string): Promise<MqttClient> {
  const c = await connect(broker.url, { username: user, password, clientId, protocolVersion: 5, reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => {
    c.once('connect', () => resolve());
    c.once('error', reject);
  });
  clients.push(c);
  return c;
}

async function facility(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const p = runRad(['facility', '--url', broker.url, '--username', 'viewer', '--password', 'pw-v', ...args]);
  const { code } = await p.exit;
  return { code, out: p.stdout(), err: p.stderr() };
}

type View = {
  rooms: Array<{
    room: string;
    status?: { state: string; reason?: string; devices?: Array<{ id: string; state: string }> };
    linecheck?: { summary: Record<string, number>; failures: Array<{ path: string; verdict: string }> };
    alerts?: { alerts: unknown[] };
    recall?: { snapshot: { label: string } | null };
  }>;
  seconds: number;
};

async function view(): Promise<View> {
  const r = await facility('--json');
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as View;
}

async function audit(room: string): Promise<Array<{ actor: string; action: string; result: string }>> {
  const r = rooms.get(room)!;
  const res = await fetch(`${r.api}/api/v1/audit?limit=100`, { headers: { authorization: `Bearer ${r.token}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { entries: Array<{ actor: string; action: string; result: string }> }).entries;
}

beforeAll(async () => {
  broker = await Mosquitto.start(USERS);
  await Promise.all([
    startRoom('A', 'room-a', 'pw-a'),
    startRoom('B', 'room-b', 'pw-b', [{ path: 'tie-03', kind: 'dead' }]),
  ]);
}, 60000);

afterAll(async () => {
  for (const c of clients) c.end(true);
  for (const r of rooms.values()) {
    r.p.child.kill('SIGTERM');
    await r.p.exit;
  }
  await broker?.stop();
}, 30000);

describe('facility on a real Mosquitto', () => {
  it('rad facility lists both rooms online with their devices', async () => {
    const v = await waitFor(async () => {
      const v = await view();
      const online = v.rooms.filter((r) => r.status?.state === 'online');
      return online.length === 2 && online.every((r) => r.status?.devices?.some((d) => d.id === 'mqtt')) && v;
    }, 15000);
    expect(v.rooms.map((r) => r.room)).toEqual(['A', 'B']);
    const a = v.rooms[0]!;
    expect(a.status!.devices!.map((d) => d.id)).toEqual(expect.arrayContaining(['x32-main', 'audio', 'mqtt']));
    expect(a.status!.devices!.find((d) => d.id === 'mqtt')!.state).toBe('online');
    const text = await facility();
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/^ROOM\s+STATE/m);
    expect(text.out).toMatch(/^A\s+online/m);
    expect(text.out).toMatch(/^B\s+online/m);
    expect(text.out).toMatch(/2 rooms, read in/);
    // the same view over a room's API (the page's Facility page reads it)
    const roomA = rooms.get('A')!;
    const api = await fetch(`${roomA.api}/api/v1/facility`, { headers: { authorization: `Bearer ${roomA.token}` } });
    expect(api.status).toBe(200);
    const fv = (await api.json()) as View;
    expect(fv.rooms.map((r) => [r.room, r.status?.state])).toEqual([
      ['A', 'online'],
      ['B', 'online'],
    ]);
  });

  it('a command from an allowed client starts a line check; its reply comes back and the result lands in linecheck/last', async () => {
    const tech = await client('tech', 'pw-t', 'tech-phone');
    await tech.subscribeAsync('rad/B/reply/tech-phone');
    const replies: Array<Record<string, unknown>> = [];
    tech.on('message', (topic, payload) => {
      if (topic === 'rad/B/reply/tech-phone') replies.push(JSON.parse(payload.toString()));
    });
    await tech.publishAsync('rad/B/cmd/linecheck', JSON.stringify({ id: 'req-1', client: 'tech-phone' }), { qos: 1 });
    const reply = await waitFor(() => replies.find((r) => r.id === 'req-1'), 10000);
    expect(reply).toMatchObject({ id: 'req-1', verb: 'linecheck', ok: true, result: { run: expect.any(String) } });
    const run = (reply.result as { run: string }).run;
    // the finished check is retained for the facility: the dead tie named
    const v = await waitFor(async () => {
      const v = await view();
      const b = v.rooms.find((r) => r.room === 'B');
      return b?.linecheck && (b.linecheck as unknown as { run: string }).run === run && v;
    }, 30000);
    const b = v.rooms.find((r) => r.room === 'B')!;
    expect(b.linecheck!.summary.pass).toBe(7);
    expect(b.linecheck!.failures).toEqual([expect.objectContaining({ path: 'tie-03', verdict: 'dead' })]);
    // audited with the client id
    const entries = await audit('B');
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: 'mqtt:tech-phone', action: 'cmd/linecheck', result: 'ok' }),
      ]),
    );
  }, 45000);

  it('a verb not listed in mqtt.verbs and bad arguments are refused with a code; both audited', async () => {
    const tech = await client('tech', 'pw-t', 'tech-laptop');
    await tech.subscribeAsync('rad/A/reply/tech-laptop');
    const replies: Array<Record<string, unknown>> = [];
    tech.on('message', (_t, payload) => replies.push(JSON.parse(payload.toString())));
    await tech.publishAsync(
      'rad/A/cmd/scene-recall',
      JSON.stringify({ id: 'r2', client: 'tech-laptop', args: { number: 3 } }),
    );
    await tech.publishAsync(
      'rad/A/cmd/snapshot',
      JSON.stringify({ id: 'r3', client: 'tech-laptop', args: { label: 7 } }),
    );
    await tech.publishAsync('rad/A/cmd/snapshot', 'not json');
    const r2 = await waitFor(() => replies.find((r) => r.id === 'r2'));
    const r3 = await waitFor(() => replies.find((r) => r.id === 'r3'));
    expect(r2).toMatchObject({ ok: false, error: { code: 'E_MQTT_VERB_NOT_ALLOWED' } });
    expect(r3).toMatchObject({ ok: false, error: { code: 'E_MQTT_BAD_ARGS', details: { value: 7 } } });
    const entries = await audit('A');
    expect(
      entries
        .filter((e) => e.actor === 'mqtt:tech-laptop')
        .map((e) => `${e.action} ${e.result}`)
        .sort(),
    ).toEqual(['cmd/scene-recall error', 'cmd/snapshot error']);
    // a good snapshot command works and moves recall/current
    await tech.publishAsync(
      'rad/A/cmd/snapshot',
      JSON.stringify({ id: 'r4', client: 'tech-laptop', args: { label: 'before overdubs' } }),
    );
    const r4 = await waitFor(() => replies.find((r) => r.id === 'r4'), 10000);
    expect(r4).toMatchObject({ ok: true, result: { label: 'before overdubs' } });
    await waitFor(
      async () => (await view()).rooms.find((r) => r.room === 'A')?.recall?.snapshot?.label === 'before overdubs',
    );
  }, 30000);

  it('a client the ACL forbids gets nothing done, and the audit shows nothing', async () => {
    const before = (await audit('A')).length;
    const viewer = await client('viewer', 'pw-v', 'house-dashboard');
    // MQTT 5: mosquitto answers a refused QoS 1 publish with "not authorized"; either way nothing happens
    await viewer
      .publishAsync(
        'rad/A/cmd/snapshot',
        JSON.stringify({ id: 'x1', client: 'house-dashboard', args: { label: 'sneaky' } }),
        {
          qos: 1,
        },
      )
      .catch(() => undefined);
    await viewer
      .publishAsync('rad/A/cmd/tone-off', JSON.stringify({ id: 'x2', client: 'house-dashboard' }))
      .catch(() => undefined);
    // a round trip through the room proves the bridge was listening the whole time
    const tech = await client('tech', 'pw-t', 'tech-check');
    await tech.subscribeAsync('rad/A/reply/tech-check');
    const got = new Promise((r) => tech.on('message', r));
    await tech.publishAsync('rad/A/cmd/tone-off', JSON.stringify({ id: 'ok', client: 'tech-check' }));
    await got;
    const after = await audit('A');
    expect(after.length).toBe(before + 1);
    expect(after.some((e) => e.actor === 'mqtt:house-dashboard')).toBe(false);
    const v = await view();
    expect(v.rooms.find((r) => r.room === 'A')!.recall!.snapshot!.label).not.toBe('sneaky');
  }, 20000);

  it('Home Assistant discovery: the room is a device with state, alerts and line-check sensors', async () => {
    const viewer = await client('viewer', 'pw-v', 'ha');
    const configs = new Map<string, Record<string, unknown>>();
    viewer.on('message', (t, p) => configs.set(t, JSON.parse(p.toString())));
    await viewer.subscribeAsync('homeassistant/sensor/+/+/config');
    const state = await waitFor(() => configs.get('homeassistant/sensor/rad_A/state/config'));
    expect(state).toMatchObject({
      state_topic: 'rad/A/status',
      value_template: '{{ value_json.state }}',
      unique_id: 'rad_A_state',
      device: { identifiers: ['rad_A'] },
    });
    await waitFor(() => configs.get('homeassistant/sensor/rad_B/alerts/config'));
    expect(configs.get('homeassistant/sensor/rad_B/alerts/config')).toMatchObject({ state_topic: 'rad/B/alerts' });
  });

  it('broker restarted mid-run: the bridge reconnects and re-publishes its retained state; no crash', async () => {
    await broker.stop();
    // the bridge sees the loss
    const a = rooms.get('A')!;
    const st = await waitFor(async () => {
      const r = await fetch(`${a.api}/api/v1/status`, { headers: { authorization: `Bearer ${a.token}` } });
      const s = (await r.json()) as { devices: Array<{ id: string; state: string }> };
      return s.devices.find((d) => d.id === 'mqtt' && d.state === 'offline');
    }, 10000);
    expect(st.state).toBe('offline');
    await broker.run(); // no persistence: every retained message is gone
    const v = await waitFor(
      async () => {
        const r = await facility('--json');
        if (r.code !== 0) return false;
        const v = JSON.parse(r.out) as View;
        const online = v.rooms.filter((r) => r.status?.state === 'online').length === 2;
        return online && v.rooms.find((r) => r.room === 'B')?.linecheck ? v : false;
      },
      20000,
      200,
    );
    expect(v.rooms.find((r) => r.room === 'B')!.linecheck!.failures[0]).toMatchObject({ path: 'tie-03' });
    for (const r of rooms.values()) expect(r.p.child.exitCode).toBeNull();
  }, 40000);

  it("each backup's result is published: room A's last backup in the facility view", async () => {
    const a = rooms.get('A')!;
    const r = await fetch(`${a.api}/api/v1/backup`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ target: 'nightly', verify: true }),
    });
    expect(r.status).toBe(200);
    const v = await waitFor(async () => {
      const v = await view();
      return (v.rooms.find((x) => x.room === 'A') as { backup?: { ok: boolean; verified?: boolean } })?.backup && v;
    }, 10000);
    expect((v.rooms.find((x) => x.room === 'A') as { backup?: unknown }).backup).toMatchObject({
      ok: true,
      verified: true,
      trigger: 'api',
      target: expect.stringMatching(/nightly$/),
    });
  });

  it('SIGKILL: the broker publishes the last will and the room shows offline', async () => {
    const b = rooms.get('B')!;
    b.p.child.kill('SIGKILL');
    await b.p.exit;
    rooms.delete('B');
    const v = await waitFor(async () => {
      const v = await view();
      return v.rooms.find((r) => r.room === 'B')?.status?.state === 'offline' && v;
    }, 10000);
    expect(v.rooms.find((r) => r.room === 'B')!.status).toMatchObject({
      state: 'offline',
      reason: 'connection lost (last will)',
    });
    expect(v.rooms.find((r) => r.room === 'A')!.status!.state).toBe('online');
    const text = await facility();
    expect(text.out).toMatch(/^B\s+OFFLINE \(connection lost \(last will\)\)/m);
  }, 20000);

  it('a broker that is not there: exit 1 naming it; a bad --timeout: exit 2', async () => {
    const r = await runRad(['facility', '--url', 'mqtt://127.0.0.1:1', '--timeout', '2000']);
    const { code } = await r.exit;
    expect(code).toBe(1);
    expect(r.stderr()).toMatch(/E_MQTT_UNREACHABLE.*127\.0\.0\.1:1/);
    const bad = runRad(['facility', '--url', broker.url, '--timeout', 'soon']);
    expect((await bad.exit).code).toBe(2);
    expect(bad.stderr()).toMatch(/--timeout.*soon/);
  });
});
