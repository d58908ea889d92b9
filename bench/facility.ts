// A facility on one Mosquitto: 50 lightweight rooms (each one MQTT connection with a last will,
// publishing exactly what a room's bridge publishes, from src/facility/topics.ts) plus two real
// daemons on config/studio.yaml as shipped (one spawned from the built bundle, one in this
// process so an alert can be timed from the bus to a subscriber). Measures:
//  - `rad facility --json` as a user runs it (spawned, the bundle): wall time, and the in-process read;
//  - alert latency: device.alert on the in-process daemon's bus → a subscriber on rad/+/alerts;
//  - the bridge's CPU in an idle rad: the spawned daemon's CPU (all threads) with mqtt vs without.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import { parse, stringify } from 'yaml';
import { App } from '../src/app.ts';
import { silentLogger } from '../src/core/logger.ts';
import { readFacility } from '../src/facility/view.ts';
import { type Alerts, type RoomStatus, roomTopics } from '../src/facility/topics.ts';
import { validateSettings } from '../src/settings/load.ts';
import { Mosquitto } from '../test/facility/broker.ts';
import { report } from './_report.ts';

const root = new URL('..', import.meta.url).pathname;
const ROOMS = Number(process.env.RAD_BENCH_ROOMS ?? 50);
const ALERTS = Number(process.env.RAD_BENCH_ALERTS ?? 100);
const IDLE_S = Number(process.env.RAD_BENCH_IDLE_S ?? 10);
const TICK = 100;
const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) throw new Error('build failed');

const q = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * p))]!;
const median = (a: number[]) => q(a, 0.5);
const cpuTicks = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
};

const temps: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'rad-bench-facility-'));
  temps.push(d);
  return d;
};

/** config/studio.yaml as shipped, with the mqtt section added (and, for a second daemon on this machine, free ports). */
function studioYaml(dir: string, mqtt: Record<string, unknown> | undefined, freePorts: boolean): string {
  const cfg = parse(readFileSync(join(root, 'config/studio.yaml'), 'utf8')) as Record<string, unknown>;
  cfg.profiles_dir = join(root, 'config', cfg.profiles_dir as string);
  cfg.data_dir = join(dir, 'data');
  if (mqtt) cfg.mqtt = mqtt;
  if (freePorts) {
    (cfg.api as Record<string, unknown>).port = 0;
    for (const c of cfg.consoles as Array<Record<string, unknown>>) c.port = 0;
    for (const p of cfg.patchbays as Array<Record<string, unknown>>) {
      if (p.tcp) (p.tcp as Record<string, unknown>).port = 0;
      if (p.serial) (p.serial as Record<string, unknown>).path = join(dir, `tty-${p.id}`);
    }
  }
  const file = join(dir, 'studio.yaml');
  writeFileSync(file, stringify(cfg));
  return file;
}

function spawnDaemon(config: string) {
  const child = spawn(process.execPath, [join(root, 'bin/rad.mjs'), 'start', '--config', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d) => {
      err += d;
      if (err.includes('"msg":"ready"')) resolve();
    });
    child.on('exit', (c) => reject(new Error(`daemon exited ${c}: ${err.slice(-2000)}`)));
  });
  return { child, ready };
}

async function idleCpu(config: string): Promise<number> {
  const d = spawnDaemon(config);
  await d.ready;
  await new Promise((r) => setTimeout(r, 1500));
  const c0 = cpuTicks(d.child.pid!);
  const w0 = performance.now();
  await new Promise((r) => setTimeout(r, IDLE_S * 1000));
  const pct = ((cpuTicks(d.child.pid!) - c0) / TICK / ((performance.now() - w0) / 1000)) * 100;
  d.child.kill('SIGTERM');
  await new Promise((r) => d.child.on('exit', r));
  return pct;
}

/** One lightweight room: a connection with a will, and the retained state a bridge keeps. */
async function lightRoom(url: string, name: string): Promise<MqttClient> {
  const t = roomTopics('rad', name);
  const c = connect(url, {
    username: 'rooms',
    password: 'pw',
    clientId: `bench-${name}`,
    protocolVersion: 5,
    reconnectPeriod: 0,
    will: {
      topic: t.status,
      payload: Buffer.from(JSON.stringify({ room: name, state: 'offline', reason: 'connection lost (last will)' })),
      qos: 1,
      retain: true,
    },
  });
  await new Promise((r, j) => {
    c.once('connect', r);
    c.once('error', j);
  });
  const now = new Date().toISOString();
  const ids = [
    'sim-x32-main',
    'sim-sw-a',
    'sim-sw-b',
    'sim-hub',
    'sim-relays',
    'x32-main',
    'sw-a',
    'sw-b',
    'hub',
    'relays',
    'audio',
    'mqtt',
  ];
  const devices = ids.map((id) => ({
    id,
    kind: id.startsWith('sim') ? 'simulator' : 'device',
    state: 'online',
    since: now,
  }));
  const status: RoomStatus = {
    room: name,
    state: 'online',
    version: '0.1.0',
    host: name,
    started_at: now,
    updated_at: now,
    devices,
  };
  const alerts: Alerts = { alerts: [], updated_at: now };
  const pubs: Array<[string, unknown]> = [
    [t.status, status],
    ...devices.map((d) => [t.device(d.id), d] as [string, unknown]),
    [
      t.linecheckLast,
      { run: `run-${name}`, state: 'done', started_at: now, finished_at: now, summary: { pass: 64 }, failures: [] },
    ],
    [t.recallCurrent, { version: { id: 'v1', name: `${name} mix 1`, created_at: now }, snapshot: null }],
    [t.alerts, alerts],
    [t.backupLast, { target: '/srv/backups', ok: true, at: now, trigger: 'schedule', files: 12 }],
  ];
  for (const [topic, body] of pubs) await c.publishAsync(topic, JSON.stringify(body), { qos: 1, retain: true });
  return c;
}

const broker = await Mosquitto.start([
  { name: 'rooms', password: 'pw', acl: ['topic readwrite rad/#'] },
  { name: 'viewer', password: 'pw', acl: ['topic read rad/#'] },
]);
const lights: MqttClient[] = [];
let inproc: App | undefined;
let spawned: ReturnType<typeof spawnDaemon> | undefined;
try {
  const mqtt = (room: string) => ({ url: broker.url, room, username: 'rooms', password: 'pw' });
  // the 50 lightweight rooms
  const t0 = performance.now();
  for (let i = 0; i < ROOMS; i++) lights.push(await lightRoom(broker.url, `room-${String(i + 1).padStart(2, '0')}`));
  console.log(`${ROOMS} lightweight rooms up in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  // two real daemons: studio.yaml as shipped (spawned), and the same plant on free ports in this process
  spawned = spawnDaemon(studioYaml(temp(), mqtt('studio-a'), false));
  await spawned.ready;
  const dirB = temp();
  const settingsB = validateSettings(parse(readFileSync(studioYaml(dirB, mqtt('studio-b'), true), 'utf8')));
  inproc = await App.build(settingsB, { log: silentLogger() });
  await inproc.start();
  const bridgeB = inproc.services.bridge!;
  for (let i = 0; i < 200 && bridgeB.status().state !== 'online'; i++) await new Promise((r) => setTimeout(r, 50));

  // rad facility as a user runs it (the built bundle), and the read itself in this process
  const cli: number[] = [];
  let roomsSeen = 0;
  for (let i = 0; i < 5; i++) {
    const w = performance.now();
    const r = spawnSync(
      process.execPath,
      [
        join(root, 'bin/rad.mjs'),
        'facility',
        '--url',
        broker.url,
        '--username',
        'viewer',
        '--password',
        'pw',
        '--json',
      ],
      { encoding: 'utf8' },
    );
    cli.push(performance.now() - w);
    if (r.status !== 0) throw new Error(`rad facility failed: ${r.stderr}`);
    roomsSeen = (JSON.parse(r.stdout) as { rooms: unknown[] }).rooms.length;
  }
  const reads: number[] = [];
  for (let i = 0; i < 10; i++) {
    const v = await readFacility(broker.url, { username: 'viewer', password: 'pw' });
    reads.push(v.seconds * 1000);
    roomsSeen = v.rooms.length;
  }
  console.log(
    `rad facility (spawned, bundle): median ${median(cli).toFixed(0)} ms; the read itself: median ${median(reads).toFixed(0)} ms, max ${Math.max(...reads).toFixed(0)} ms; ${roomsSeen} rooms`,
  );

  // alert latency: the in-process daemon's bus → a subscriber on rad/+/alerts
  const sub = connect(broker.url, { username: 'viewer', password: 'pw', reconnectPeriod: 0 });
  await new Promise((r) => sub.once('connect', r));
  const seen = new Map<string, number>();
  sub.on('message', (topic, p) => {
    if (topic !== 'rad/studio-b/alerts') return;
    const at = performance.now();
    for (const a of (JSON.parse(p.toString()) as Alerts).alerts) if (!seen.has(a.message)) seen.set(a.message, at);
  });
  await sub.subscribeAsync('rad/+/alerts');
  const sent = new Map<string, number>();
  for (let i = 0; i < ALERTS; i++) {
    const message = `bench alert ${i}`;
    sent.set(message, performance.now());
    inproc.services.bus.emit('device.alert', {
      device: 'x32-main',
      kind: 'restore-failed',
      message,
      at: new Date().toISOString(),
    });
    await new Promise((r) => setTimeout(r, 20));
  }
  for (let i = 0; i < 100 && seen.size < ALERTS; i++) await new Promise((r) => setTimeout(r, 20));
  const lat = [...sent].map(([m, t]) => (seen.get(m) ?? Number.POSITIVE_INFINITY) - t);
  sub.end(true);
  console.log(
    `alert → subscriber: p50 ${q(lat, 0.5).toFixed(1)} ms, p99 ${q(lat, 0.99).toFixed(1)} ms, max ${Math.max(...lat).toFixed(1)} ms over ${ALERTS} alerts (${seen.size} arrived)`,
  );
  await inproc.stop();
  inproc = undefined;
  spawned.child.kill('SIGTERM');
  await new Promise((r) => spawned!.child.on('exit', r));
  spawned = undefined;

  // the bridge's CPU in an idle rad: studio.yaml as shipped with and without mqtt, alternating
  const withB: number[] = [];
  const without: number[] = [];
  for (let i = 0; i < 2; i++) {
    without.push(await idleCpu(studioYaml(temp(), undefined, false)));
    withB.push(await idleCpu(studioYaml(temp(), mqtt('studio-a'), false)));
  }
  const cost = median(withB) - median(without);
  console.log(
    `idle rad over ${IDLE_S} s: ${median(without).toFixed(2)} % of a core without mqtt, ${median(withB).toFixed(2)} % with; the bridge: ${cost.toFixed(2)} %`,
  );
  report({
    bench: 'facility',
    models: `${ROOMS} lightweight rooms + 2 daemons on config/studio.yaml as shipped, one Mosquitto`,
    rooms: roomsSeen,
    facility_cli_ms: Math.round(median(cli)),
    facility_read_ms: Math.round(median(reads) * 10) / 10,
    alert_p50_ms: Math.round(q(lat, 0.5) * 10) / 10,
    alert_p99_ms: Math.round(q(lat, 0.99) * 10) / 10,
    alerts_arrived: seen.size,
    idle_cpu_pct_without_mqtt: Math.round(median(without) * 100) / 100,
    idle_cpu_pct_with_mqtt: Math.round(median(withB) * 100) / 100,
    bridge_cpu_pct: Math.round(cost * 100) / 100,
    goal: { facility_cli_ms: 1000, alert_p99_ms: 100, bridge_cpu_pct: 1 },
  });
} finally {
  await inproc?.stop();
  spawned?.child.kill('SIGKILL');
  for (const c of lights) c.end(true);
  await broker.stop();
  for (const d of temps) rmSync(d, { recursive: true, force: true });
}
