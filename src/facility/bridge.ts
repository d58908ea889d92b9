import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { IClientOptions, IPublishPacket, MqttClient } from 'mqtt';
import type { Bus, BusEvents, Topic } from '../core/bus.ts';
import type { Device } from '../core/device.ts';
import { describeError, fail, RadError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { type DeviceStatus, StatusTracker } from '../core/status.ts';
import { ConnectionSupervisor } from '../core/supervisor.ts';
import type { MqttSettings } from '../settings/schema.ts';
import type { CommandHandlers } from './commands.ts';
import { connectOnce } from './connect.ts';
import {
  type Alert,
  type Alerts,
  type BackupLast,
  type CommandReply,
  type DeviceSummary,
  type LinecheckLast,
  type RecallCurrent,
  type RoomStatus,
  type RoomTopics,
  roomTopics,
} from './topics.ts';

export type BridgeDeps = {
  bus: Bus;
  log: Logger;
  daemon: {
    version: string;
    startedAt: Date;
    devices(): Array<{ id: string; kind: string; status(): DeviceStatus }>;
  };
  linecheckLast(): LinecheckLast | undefined;
  recallCurrent(): RecallCurrent;
  backupLast(): BackupLast | undefined;
  commands: CommandHandlers;
};

const METERS: Topic[] = ['audio.meters', 'console.meters'];
const CLIENT_ID = /^[A-Za-z0-9_.:@-]{1,64}$/;

/** MQTT client options from settings: password (inline or file) or a client certificate. */
export function mqttOptions(
  m: Pick<MqttSettings, 'username' | 'password' | 'password_file' | 'ca' | 'cert' | 'key'>,
): IClientOptions {
  const read = (what: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw fail('E_MQTT_CONFIG', `mqtt.${what}: cannot read ${file} (${(e as NodeJS.ErrnoException).code})`, {
        [what]: file,
      });
    }
  };
  const o: IClientOptions = {};
  if (m.username) o.username = m.username;
  if (m.password) o.password = m.password;
  if (m.password_file) o.password = read('password_file', m.password_file).toString('utf8').trim();
  if (m.ca) o.ca = read('ca', m.ca);
  if (m.cert) o.cert = read('cert', m.cert);
  if (m.key) o.key = read('key', m.key);
  return o;
}

/**
 * The room's bridge to the facility's MQTT broker: a client of the bus, like the API. Keeps the
 * room's retained state (status, devices, last line check, current version, alerts, last backup)
 * as the latest payload per topic, so nothing retained is ever lost: what changed while the
 * broker was away is published on reconnect, and everything is published again after a broker
 * restart (a broker without persistence forgets retained messages). Live events go out QoS 0,
 * rate-limited per topic, and wait in a bounded outbox while the broker is away (beyond the
 * bound they are dropped and counted). A last will marks the room offline when rad dies.
 */
export class MqttBridge implements Device {
  readonly id = 'mqtt';
  readonly kind = 'bridge' as const;
  private readonly status$: StatusTracker;
  private readonly sup: ConnectionSupervisor;
  private readonly t: RoomTopics;
  private readonly clientId: string;
  private client: MqttClient | undefined;
  /** Latest retained payload per topic, and which of them the broker has not been sent yet. */
  private readonly retained = new Map<string, string>();
  private readonly unsent = new Set<string>();
  private readonly outbox: Array<{ topic: string; payload: string }> = [];
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly meters = new Map<string, unknown>();
  private meterTimer: NodeJS.Timeout | undefined;
  private offlineTimers = new Map<string, NodeJS.Timeout>();
  /** A status refresh is queued for this turn of the loop (device changes come in bursts). */
  private statusQueued = false;
  private stopping = false;
  private readonly counters = {
    connects: 0,
    published: 0,
    events_dropped_rate: 0,
    events_dropped_outbox: 0,
    publish_errors: 0,
    commands_done: 0,
    commands_refused: 0,
  };

  constructor(
    private readonly m: MqttSettings,
    private readonly deps: BridgeDeps,
  ) {
    this.t = roomTopics(m.base_topic, m.room);
    this.clientId = m.client_id ?? `rad-${m.room}`;
    this.status$ = new StatusTracker(deps.bus, this.id, this.kind);
    this.sup = new ConnectionSupervisor(
      {
        connect: () => this.connect(),
        disconnect: () => this.disconnect(),
      },
      { report: (s, d) => this.status$.set(s, d), firstWaitMs: 2000 },
    );
  }

  status(): DeviceStatus {
    return this.status$.get();
  }

  describe(): Record<string, unknown> {
    return {
      url: this.m.url,
      room: this.m.room,
      client_id: this.clientId,
      commands: this.m.commands ? this.m.verbs : false,
      outbox: this.outbox.length,
      retained_unsent: this.unsent.size,
      ...this.counters,
    };
  }

  async start(): Promise<void> {
    this.stopping = false;
    const bus = this.deps.bus;
    bus.on('device.status', this, (s) => this.onDeviceStatus(s));
    bus.on('job.done', this, (j) => {
      if (j.kind === 'linecheck') this.refreshLinecheck();
      if (j.kind === 'backup') this.refreshBackup();
    });
    bus.on('recall.changed', this, () => this.refreshRecall());
    bus.onAny(this, (payload, topic) => this.onEvent(topic, payload));
    // meters only when summaries are asked for: a listener makes the engine and consoles produce them
    if (this.m.meters_hz > 0) {
      for (const t of METERS) bus.on(t, this, () => {});
      this.meterTimer = setInterval(() => this.flushMeters(), 1000 / this.m.meters_hz);
      this.meterTimer.unref();
    }
    this.snapshotState();
    await this.sup.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.deps.bus.removeOwner(this);
    clearInterval(this.meterTimer);
    for (const t of this.offlineTimers.values()) clearTimeout(t);
    this.offlineTimers.clear();
    const c = this.client;
    if (c?.connected) {
      // a clean stop says so (the will is only for a death); retained, so the facility view shows why
      const off: RoomStatus = { ...this.roomStatus(), state: 'offline', reason: 'stopped' };
      await Promise.race([
        c.publishAsync(this.t.status, JSON.stringify(off), { qos: 1, retain: true }).catch(() => undefined),
        new Promise((r) => setTimeout(r, 1000).unref()),
      ]);
    }
    await this.sup.stop();
  }

  // ---- connection -------------------------------------------------------------------------

  private async connect(): Promise<{ detail: string }> {
    const will: RoomStatus = { room: this.m.room, state: 'offline', reason: 'connection lost (last will)' };
    const opts: IClientOptions = {
      ...mqttOptions(this.m),
      clientId: this.clientId,
      protocolVersion: 5,
      clean: true,
      keepalive: 30,
      reconnectPeriod: 0, // the supervisor reconnects, with the backoff every device shares
      connectTimeout: 10000,
      queueQoSZero: false,
      will: { topic: this.t.status, payload: Buffer.from(JSON.stringify(will)), qos: 1, retain: true },
    };
    const c = await connectOnce(this.m.url, opts);
    this.client = c;
    this.counters.connects++;
    c.removeAllListeners('error');
    c.on('error', (e) => this.deps.log.warn({ err: e.message }, 'mqtt client error'));
    c.on('close', () => {
      if (this.client === c && !this.stopping) this.sup.lost('broker connection lost');
    });
    c.on('message', (topic, payload, packet) => void this.onMessage(topic, payload, packet));
    if (this.m.commands) await c.subscribeAsync(this.t.cmdAll, { qos: 1 });
    if (this.m.homeassistant) this.publishDiscovery();
    // everything retained goes out again: a restarted broker may have forgotten it
    this.snapshotState();
    for (const topic of this.retained.keys()) this.unsent.add(topic);
    this.flush();
    const queued = this.outbox.splice(0);
    for (const e of queued) this.send(e.topic, e.payload, false);
    return { detail: `connected to ${this.m.url} as ${this.clientId} (room ${this.m.room})` };
  }

  private disconnect(): void {
    const c = this.client;
    this.client = undefined;
    if (!c) return;
    c.removeAllListeners();
    c.on('error', () => {});
    c.end(true);
  }

  private get connected(): boolean {
    return this.client?.connected === true && this.sup.online;
  }

  private send(topic: string, payload: string, retain: boolean, done?: (err?: Error) => void): void {
    const c = this.client;
    if (!c) return;
    c.publish(topic, payload, { qos: retain ? 1 : 0, retain }, (err) => {
      if (err) {
        this.counters.publish_errors++;
        this.deps.log.warn({ topic, err: err.message }, 'mqtt publish failed');
      } else this.counters.published++;
      done?.(err);
    });
  }

  // ---- retained state ---------------------------------------------------------------------

  /** Sets a retained topic's payload; sent now when connected, else on the next connect. */
  private setRetained(topic: string, value: unknown): void {
    const payload = JSON.stringify(value);
    if (this.retained.get(topic) === payload) return;
    this.retained.set(topic, payload);
    this.unsent.add(topic);
    this.flush();
  }

  private flush(): void {
    if (!this.connected) return;
    for (const topic of [...this.unsent]) {
      const payload = this.retained.get(topic)!;
      this.unsent.delete(topic);
      // a publish lost with the connection is sent again on the next connect (all retained are)
      this.send(topic, payload, true, (err) => {
        if (err && this.retained.get(topic) === payload) this.unsent.add(topic);
      });
    }
  }

  private roomStatus(): RoomStatus {
    const devices: DeviceSummary[] = this.deps.daemon.devices().map((d) => {
      const s = d.status();
      return { id: d.id, kind: d.kind, state: s.state, since: s.since, ...(s.detail ? { detail: s.detail } : {}) };
    });
    return {
      room: this.m.room,
      state: 'online',
      version: this.deps.daemon.version,
      host: hostname(),
      started_at: this.deps.daemon.startedAt.toISOString(),
      updated_at: new Date().toISOString(),
      devices,
    };
  }

  /** Everything retained, from the services (at start and on every connect). */
  private snapshotState(): void {
    this.refreshStatus();
    this.refreshLinecheck();
    this.refreshRecall();
    this.refreshBackup();
  }

  /** Device changes come in bursts (a start, a reconnect): one status publish per turn of the loop. */
  private onDeviceStatus(s: BusEvents['device.status']): void {
    // an offline device becomes an alert after offline_alert_s, unless it came back
    const timer = this.offlineTimers.get(s.device);
    if (s.state === 'offline') {
      if (!timer) {
        const left = this.m.offline_alert_s * 1000 - (Date.now() - Date.parse(s.since));
        const t = setTimeout(
          () => {
            this.offlineTimers.delete(s.device);
            this.refreshAlerts();
          },
          Math.max(0, left),
        );
        t.unref();
        this.offlineTimers.set(s.device, t);
      }
    } else if (timer) {
      clearTimeout(timer);
      this.offlineTimers.delete(s.device);
    }
    // refreshStatus publishes the room status and every device's topic (each only if it changed)
    if (this.statusQueued) return;
    this.statusQueued = true;
    setImmediate(() => {
      this.statusQueued = false;
      this.refreshStatus();
    });
  }

  private refreshStatus(): void {
    const st = this.roomStatus();
    for (const d of st.devices ?? []) this.setRetained(this.t.device(d.id), d);
    // updated_at changes every time: compare without it so an unchanged room is not re-sent
    const key = JSON.stringify({ ...st, updated_at: undefined });
    if (key !== this.lastStatusKey) {
      this.lastStatusKey = key;
      this.setRetained(this.t.status, st);
    }
    this.refreshAlerts();
  }

  private lastStatusKey = '';

  private alerts(): Alert[] {
    const out: Alert[] = [];
    const now = Date.now();
    for (const d of this.deps.daemon.devices()) {
      const s = d.status();
      for (const a of s.alerts ?? []) {
        const i = a.indexOf(': ');
        out.push({
          device: d.id,
          kind: i > 0 ? a.slice(0, i) : 'alert',
          message: i > 0 ? a.slice(i + 2) : a,
          since: s.since,
        });
      }
      if (s.state === 'offline' && now - Date.parse(s.since) >= this.m.offline_alert_s * 1000)
        out.push({
          device: d.id,
          kind: 'offline',
          message: `offline since ${s.since}${s.detail ? `: ${s.detail}` : ''}`,
          since: s.since,
        });
    }
    const b = this.deps.backupLast();
    if (b && !b.ok)
      out.push({
        device: 'backup',
        kind: 'backup-failed',
        message: `backup to ${b.target} failed: ${b.error ?? b.bad?.map((x) => `${x.path} (${x.problem})`).join(', ')}`,
        since: b.at,
      });
    return out;
  }

  private lastAlertsKey = '';

  private refreshAlerts(): void {
    const alerts = this.alerts();
    const key = JSON.stringify(alerts);
    if (key === this.lastAlertsKey) return;
    this.lastAlertsKey = key;
    const a: Alerts = { alerts, updated_at: new Date().toISOString() };
    this.setRetained(this.t.alerts, a);
  }

  private refreshLinecheck(): void {
    const l = this.deps.linecheckLast();
    if (l) this.setRetained(this.t.linecheckLast, l);
  }

  private refreshRecall(): void {
    this.setRetained(this.t.recallCurrent, this.deps.recallCurrent());
  }

  private refreshBackup(): void {
    const b = this.deps.backupLast();
    if (b) this.setRetained(this.t.backupLast, b);
    this.refreshAlerts();
  }

  // ---- live events --------------------------------------------------------------------------

  private onEvent(topic: Topic, payload: unknown): void {
    if (METERS.includes(topic)) {
      if (this.m.meters_hz > 0) this.meters.set(meterKey(topic, payload), meterSummary(topic, payload));
      return;
    }
    // a token bucket per topic: a scene recall's hundreds of console.changed do not flood the broker
    const now = performance.now();
    const rate = this.m.events_per_second;
    const b = this.buckets.get(topic) ?? { tokens: rate, at: now };
    b.tokens = Math.min(rate, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
    this.buckets.set(topic, b);
    if (b.tokens < 1) {
      this.counters.events_dropped_rate++;
      return;
    }
    b.tokens -= 1;
    this.event(this.t.event(topic), JSON.stringify(payload));
  }

  private event(topic: string, payload: string): void {
    if (this.connected) {
      this.send(topic, payload, false);
      return;
    }
    if (this.outbox.length >= this.m.outbox) {
      this.counters.events_dropped_outbox++;
      return;
    }
    this.outbox.push({ topic, payload });
  }

  /** The latest meter reading per source, at most meters_hz; stale meters are never queued. */
  private flushMeters(): void {
    if (this.meters.size === 0 || !this.connected) return;
    for (const [key, summary] of this.meters) this.send(this.t.event(key), JSON.stringify(summary), false);
    this.meters.clear();
  }

  // ---- commands -----------------------------------------------------------------------------

  private async onMessage(topic: string, payload: Buffer, packet: IPublishPacket): Promise<void> {
    const prefix = this.t.cmd('');
    if (!topic.startsWith(prefix)) return;
    const verb = topic.slice(prefix.length);
    const props = packet.properties;
    let req: { id: string; client: string; reply_to?: string; args: Record<string, unknown> };
    try {
      req = parseRequest(payload);
    } catch (e) {
      this.counters.commands_refused++;
      this.deps.log.warn({ verb, err: describeError(e) }, 'mqtt command refused');
      if (props?.responseTopic) this.reply(props.responseTopic, props.correlationData, errorReply(null, verb, e));
      return;
    }
    const actor = `mqtt:${req.client}`;
    const replyTo = props?.responseTopic ?? req.reply_to ?? this.t.reply(req.client);
    const audit = (result: 'ok' | 'error', detail?: string) =>
      this.deps.bus.emit('device.write', {
        actor,
        device: this.id,
        action: `cmd/${verb}`,
        target: req.id,
        value: req.args,
        result,
        ...(detail ? { detail } : {}),
      });
    let reply: CommandReply;
    try {
      this.checkReplyTopic(replyTo);
      if (!(this.m.verbs as string[]).includes(verb))
        throw fail(
          'E_MQTT_VERB_NOT_ALLOWED',
          `verb ${JSON.stringify(verb)} is not taken here (mqtt.verbs: ${this.m.verbs.join(', ')})`,
          { verb },
        );
      const handler = this.deps.commands[verb as keyof CommandHandlers];
      const result = await handler(req.args, actor);
      this.counters.commands_done++;
      reply = { id: req.id, verb, ok: true, result };
      audit('ok');
    } catch (e) {
      this.counters.commands_refused++;
      reply = errorReply(req.id, verb, e);
      audit('error', describeError(e));
    }
    this.deps.log.info({ verb, actor, request: req.id, ok: reply.ok }, 'mqtt command');
    if (isSafeReplyTopic(replyTo, this.m.base_topic, this.m.room)) this.reply(replyTo, props?.correlationData, reply);
  }

  /** A reply may go to the sender's own inbox, or under this room's reply/ tree: never onto another room's state. */
  private checkReplyTopic(t: string): void {
    if (!isSafeReplyTopic(t, this.m.base_topic, this.m.room))
      throw fail(
        'E_MQTT_REPLY_TOPIC',
        `reply topic ${JSON.stringify(t)} is not allowed (no wildcards, not $…, and under ${this.m.base_topic}/ only ${this.t.reply('')}…)`,
        { reply_to: t },
      );
  }

  private reply(topic: string, correlationData: Buffer | undefined, r: CommandReply): void {
    const c = this.client;
    if (!c) return;
    c.publish(
      topic,
      JSON.stringify(r),
      { qos: 1, retain: false, ...(correlationData ? { properties: { correlationData } } : {}) },
      (err) => {
        if (err) this.deps.log.warn({ topic, err: err.message }, 'mqtt reply not delivered');
      },
    );
  }

  // ---- Home Assistant -----------------------------------------------------------------------

  /** MQTT discovery: the room is a device in Home Assistant with its state, alerts and line check as sensors. */
  private publishDiscovery(): void {
    const room = this.m.room;
    const node = `rad_${room.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    const device = {
      identifiers: [node],
      name: `rad ${room}`,
      manufacturer: 'Recording Assistant',
      model: 'rad',
      sw_version: this.deps.daemon.version,
    };
    const sensors: Array<[string, Record<string, unknown>]> = [
      [
        'state',
        {
          name: 'State',
          state_topic: this.t.status,
          value_template: '{{ value_json.state }}',
          json_attributes_topic: this.t.status,
          json_attributes_template: '{{ {"reason": value_json.reason, "version": value_json.version} | tojson }}',
          icon: 'mdi:server',
        },
      ],
      [
        'alerts',
        {
          name: 'Alerts',
          state_topic: this.t.alerts,
          value_template: '{{ value_json.alerts | length }}',
          json_attributes_topic: this.t.alerts,
          icon: 'mdi:alert',
        },
      ],
      [
        'linecheck',
        {
          name: 'Line check failures',
          state_topic: this.t.linecheckLast,
          value_template: '{{ value_json.failures | length }}',
          json_attributes_topic: this.t.linecheckLast,
          icon: 'mdi:sine-wave',
        },
      ],
    ];
    for (const [object, cfg] of sensors)
      this.send(
        `${this.m.homeassistant_prefix}/sensor/${node}/${object}/config`,
        JSON.stringify({
          ...cfg,
          unique_id: `${node}_${object}`,
          object_id: `${node}_${object}`,
          availability_topic: this.t.status,
          availability_template: "{{ 'online' if value_json.state == 'online' else 'offline' }}",
          device,
        }),
        true,
      );
  }
}

function parseRequest(payload: Buffer): {
  id: string;
  client: string;
  reply_to?: string;
  args: Record<string, unknown>;
} {
  let v: unknown;
  try {
    v = JSON.parse(payload.toString('utf8'));
  } catch {
    throw fail('E_MQTT_BAD_COMMAND', 'the command is not JSON ({"id": "…", "client": "…", "args": {…}})', {
      payload: payload.subarray(0, 200).toString('utf8'),
    });
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw fail('E_MQTT_BAD_COMMAND', 'the command must be a JSON object', { payload: v });
  const o = v as Record<string, unknown>;
  if (typeof o.id !== 'string' || o.id.length === 0 || o.id.length > 128)
    throw fail('E_MQTT_BAD_COMMAND', 'id: a request id of 1–128 characters is needed', { id: o.id });
  if (typeof o.client !== 'string' || !CLIENT_ID.test(o.client))
    throw fail('E_MQTT_BAD_COMMAND', "client: the sender's MQTT client id is needed (A–Z a–z 0–9 _ . : @ -)", {
      client: o.client,
    });
  if (o.reply_to !== undefined && typeof o.reply_to !== 'string')
    throw fail('E_MQTT_BAD_COMMAND', 'reply_to: a topic string', { reply_to: o.reply_to });
  if (o.args !== undefined && (typeof o.args !== 'object' || o.args === null || Array.isArray(o.args)))
    throw fail('E_MQTT_BAD_COMMAND', 'args: an object', { args: o.args });
  return {
    id: o.id,
    client: o.client,
    ...(o.reply_to ? { reply_to: o.reply_to as string } : {}),
    args: (o.args as Record<string, unknown>) ?? {},
  };
}

export function isSafeReplyTopic(t: string, base: string, room: string): boolean {
  if (t.length === 0 || t.length > 256 || /[+#\0]/.test(t) || t.startsWith('$')) return false;
  if (t === base || t.startsWith(`${base}/`)) return t.startsWith(`${base}/${room}/reply/`);
  return true;
}

function errorReply(id: string | null, verb: string, e: unknown): CommandReply {
  const err =
    e instanceof RadError
      ? { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) }
      : { code: 'E_INTERNAL', message: describeError(e) };
  return { id, verb, ok: false, error: err };
}

function meterKey(topic: Topic, p: unknown): string {
  return topic === 'console.meters' ? `${topic}/${(p as BusEvents['console.meters']).console}` : topic;
}

const r1 = (x: number) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);

/** A compact meter summary: one rounded number per channel, never samples. */
export function meterSummary(topic: Topic, p: unknown): unknown {
  if (topic === 'audio.meters') {
    const m = p as BusEvents['audio.meters'];
    return {
      peak_dbfs: m.channels.map((c) => r1(c.peak_dbfs)),
      rms_dbfs: m.channels.map((c) => r1(c.rms_dbfs)),
    };
  }
  const m = p as BusEvents['console.meters'];
  return {
    console: m.console,
    bank: m.bank,
    dbfs: m.values.map((v) => r1(v > 0 ? 20 * Math.log10(v) : Number.NEGATIVE_INFINITY)),
  };
}
