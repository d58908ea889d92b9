import type { Command } from 'commander';
import { mqttOptions } from '../../facility/bridge.ts';
import { type RoomView, readFacility } from '../../facility/view.ts';
import { loadSettings, resolveConfigPath } from '../../settings/load.ts';
import type { MqttSettings } from '../../settings/schema.ts';
import { CliError, printJson } from '../output.ts';

type Opts = {
  url?: string;
  config?: string;
  baseTopic?: string;
  username?: string;
  password?: string;
  ca?: string;
  cert?: string;
  key?: string;
  timeout?: string;
  json?: boolean;
};

const when = (iso: string | undefined) => (iso ? iso.slice(0, 16).replace('T', ' ') : '-');

function lineOf(r: RoomView): string[] {
  const s = r.status;
  const state = !s ? 'unknown' : s.state === 'online' ? 'online' : `OFFLINE (${s.reason ?? 'no reason'})`;
  const devs = s?.devices ?? r.devices;
  const up = devs.filter((d) => d.state === 'online').length;
  const lc = r.linecheck;
  const lcText = lc
    ? `${when(lc.finished_at ?? lc.started_at)} ${Object.entries(lc.summary)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}${lc.state !== 'done' ? ` (${lc.state})` : ''}`
    : '-';
  const v = r.recall?.version;
  const alerts = r.alerts?.alerts.length ?? 0;
  return [r.room, state, devs.length ? `${up}/${devs.length} online` : '-', lcText, v ? v.name : '-', String(alerts)];
}

function table(rows: string[][]): string {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]!))).join('  ')).join('\n');
}

export function facilityCommands(program: Command): void {
  program
    .command('facility')
    .description(
      "every room's rad on the facility's MQTT broker: state, devices, last line check, current version, open alerts (reads retained state, then exits)",
    )
    .option('--url <url>', 'broker URL (default: mqtt.url of the settings)')
    .option('-c, --config <file>', 'settings file whose mqtt: section to use')
    .option('--base-topic <topic>', 'topic root (default: mqtt.base_topic, else rad)')
    .option('--username <name>', 'broker user')
    .option('--password <password>', 'broker password (or RAD_MQTT_PASSWORD)')
    .option('--ca <file>', 'TLS: the broker CA')
    .option('--cert <file>', 'TLS: client certificate')
    .option('--key <file>', 'TLS: client key')
    .option('--timeout <ms>', 'give up after this long', '5000')
    .option('--json', 'print JSON')
    .action(async (o: Opts) => {
      let m: Partial<MqttSettings> = {};
      if (!o.url || o.config) {
        try {
          m = loadSettings(resolveConfigPath(o.config)).mqtt ?? {};
        } catch (e) {
          if (!o.url)
            throw new CliError(
              `give --url mqtt://broker:1883, or a settings file with mqtt.url (${(e as Error).message.split('\n')[0]})`,
              2,
              'E_USAGE',
            );
        }
      }
      const url = o.url ?? m.url;
      if (!url) throw new CliError('give --url mqtt://broker:1883 (the settings have no mqtt.url)', 2, 'E_USAGE');
      const timeoutMs = Number(o.timeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs < 100)
        throw new CliError(`--timeout: milliseconds ≥ 100, got ${JSON.stringify(o.timeout)}`, 2, 'E_USAGE');
      const auth = mqttOptions({
        username: o.username ?? m.username,
        password: o.password ?? process.env.RAD_MQTT_PASSWORD ?? m.password,
        password_file: o.password || process.env.RAD_MQTT_PASSWORD ? undefined : m.password_file,
        ca: o.ca ?? m.ca,
        cert: o.cert ?? m.cert,
        key: o.key ?? m.key,
      });
      const view = await readFacility(url, { ...auth, base: o.baseTopic ?? m.base_topic ?? 'rad', timeoutMs });
      if (o.json) {
        printJson(view);
        return;
      }
      if (view.rooms.length === 0) {
        process.stdout.write(`${url}: no rooms (nothing retained under ${o.baseTopic ?? m.base_topic ?? 'rad'}/)\n`);
        return;
      }
      const rows = [['ROOM', 'STATE', 'DEVICES', 'LAST LINE CHECK', 'VERSION', 'ALERTS'], ...view.rooms.map(lineOf)];
      process.stdout.write(`${table(rows)}\n`);
      for (const r of view.rooms) {
        for (const a of r.alerts?.alerts ?? [])
          process.stdout.write(`  ${r.room}: ${a.device} ${a.kind}: ${a.message}\n`);
        for (const f of r.linecheck?.failures ?? [])
          if (f.verdict !== 'untestable')
            process.stdout.write(`  ${r.room}: line check ${f.path} ${f.verdict}${f.detail ? ` (${f.detail})` : ''}\n`);
        for (const p of r.problems) process.stdout.write(`  ${r.room}: unreadable ${p}\n`);
      }
      process.stdout.write(`${view.rooms.length} rooms, read in ${view.seconds.toFixed(2)} s\n`);
    });
}
