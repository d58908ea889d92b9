import { connect as mqttConnect, type IClientOptions, type MqttClient } from 'mqtt';
import { RadError } from '../core/errors.ts';

/**
 * One connection attempt (MQTT.js's own reconnect off): resolves on CONNACK, or rejects with
 * E_MQTT_UNREACHABLE naming the broker (refused, timed out, closed before CONNACK: bad credentials).
 */
export function connectOnce(url: string, opts: IClientOptions): Promise<MqttClient> {
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
