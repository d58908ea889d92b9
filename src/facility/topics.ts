/**
 * The facility's MQTT topics and payloads: one place, used by the room's bridge, by `rad facility`
 * and by the benchmark's lightweight rooms, so all three speak exactly the same thing.
 *
 *   <base>/<room>/status            retained  the daemon and each device (last will: offline)
 *   <base>/<room>/devices/<id>      retained  one device's status
 *   <base>/<room>/linecheck/last    retained  the last finished line check: summary + failures
 *   <base>/<room>/recall/current    retained  the current version and snapshot
 *   <base>/<room>/alerts            retained  open alerts (monitors left muted, restore failed, offline > 1 min, backup failed)
 *   <base>/<room>/backup/last       retained  the last backup's result
 *   <base>/<room>/events/<topic>    live      bus events, rate-limited (meters as 2 Hz summaries)
 *   <base>/<room>/cmd/<verb>        in        commands (mqtt.commands: true, verbs in mqtt.verbs)
 *   <base>/<room>/reply/<client>    out       command replies (unless the request names its own topic)
 */

export type RoomTopics = ReturnType<typeof roomTopics>;

export function roomTopics(base: string, room: string) {
  const r = `${base}/${room}`;
  return {
    status: `${r}/status`,
    device: (id: string) => `${r}/devices/${id}`,
    linecheckLast: `${r}/linecheck/last`,
    recallCurrent: `${r}/recall/current`,
    alerts: `${r}/alerts`,
    backupLast: `${r}/backup/last`,
    event: (topic: string) => `${r}/events/${topic}`,
    cmd: (verb: string) => `${r}/cmd/${verb}`,
    cmdAll: `${r}/cmd/+`,
    reply: (client: string) => `${r}/reply/${client}`,
  };
}

/** Filters `rad facility` subscribes to: every room's retained state. */
export function facilityFilters(base: string): string[] {
  return ['status', 'devices/+', 'linecheck/last', 'recall/current', 'alerts', 'backup/last'].map(
    (t) => `${base}/+/${t}`,
  );
}

/** Splits `<base>/<room>/<rest>`; undefined for a topic outside the base. */
export function parseRoomTopic(base: string, topic: string): { room: string; rest: string } | undefined {
  if (!topic.startsWith(`${base}/`)) return undefined;
  const tail = topic.slice(base.length + 1);
  const slash = tail.indexOf('/');
  if (slash <= 0) return undefined;
  return { room: tail.slice(0, slash), rest: tail.slice(slash + 1) };
}

export type DeviceSummary = { id: string; kind: string; state: string; since: string; detail?: string };

export type RoomStatus = {
  room: string;
  state: 'online' | 'offline';
  /** Why a room is offline: `stopped` (clean stop) or the last will's `connection lost`. */
  reason?: string;
  version?: string;
  host?: string;
  started_at?: string;
  updated_at?: string;
  devices?: DeviceSummary[];
};

export type LinecheckLast = {
  run: string;
  state: string;
  started_at: string;
  finished_at?: string;
  summary: Record<string, number>;
  failures: Array<{ path: string; verdict: string; detail?: string }>;
  restore_failed?: string[];
};

export type RecallCurrent = {
  version: { id: string; name: string; created_at: string } | null;
  snapshot: { id: string; label: string; created_at: string } | null;
};

export type Alert = { device: string; kind: string; message: string; since: string };
export type Alerts = { alerts: Alert[]; updated_at: string };

export type BackupLast = {
  target: string;
  ok: boolean;
  at: string;
  trigger: 'schedule' | 'api' | 'cli';
  files?: number;
  copied?: number;
  bytes_copied?: number;
  seconds?: number;
  verified?: boolean;
  bad?: Array<{ path: string; problem: string }>;
  error?: string;
};

/** A command as sent to <base>/<room>/cmd/<verb>. */
export type CommandRequest = {
  /** The request id the reply carries back. */
  id: string;
  /** The sender's MQTT client id (the audit log's actor; an ACL can tie replies to it). */
  client: string;
  /** Where the reply goes (MQTT 5 response topic wins; default <base>/<room>/reply/<client>). */
  reply_to?: string;
  args?: Record<string, unknown>;
};

export type CommandReply =
  | { id: string; verb: string; ok: true; result: unknown }
  | { id: string | null; verb: string; ok: false; error: { code: string; message: string; details?: unknown } };
