import type { IClientOptions, MqttClient } from 'mqtt';
import { RadError } from '../core/errors.ts';

/**
 * One connection attempt (MQTT.js's own reconnect off): resolves on CONNACK, or rejects with
 * E_MQTT_UNREACHABLE naming the broker (refused, timed out, closed before CONNACK: bad credentials).
 */
export async function connectOnce(url: string, opts: IClientOptions): Promise<MqttClient> {
  // loaded on the first connect: a rad without mqtt: never pays for MQTT.js (~4 MB RSS at start)
  const { connect: mqttConnect } = await import('mqtt');
  return new Promise<MqttClient>((resolve, reject) => {
    const c = mqttConnect(url, { ...opts, reconnectPeriod: 0 });
    const failed = (e: Error) => {
      c.removeAllListeners();
      c.on('error', () => {});
      c.end(true);
      reject(
        new RadError('E_MQTT_UNREACHABLE', `broker ${url}: ${e.message || 'connection closed'}`, {
          details: { url },
        }),
      );
    };
    c.once('connect', () => {
      c.removeAllListeners('error');
      c.removeAllListeners('close');
      c.on('error', () => {});
      resolve(c);
    });
    c.once('error', failed);
    c.once('close', () => failed(new Error('connection closed before CONNACK (credentials?)')));
  });
}
