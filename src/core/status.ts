import type { Bus } from './bus.ts';

export type DeviceState = 'starting' | 'online' | 'degraded' | 'offline' | 'stopped';
export type DeviceStatus = { state: DeviceState; since: string; detail?: string };

export interface Service {
  readonly id: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): DeviceStatus;
}

/** Holds one device's status and announces every change on the bus as `device.status`. */
export class StatusTracker {
  private current: DeviceStatus;

  constructor(
    private readonly bus: Bus,
    readonly device: string,
    readonly kind: string,
  ) {
    this.current = { state: 'stopped', since: new Date().toISOString() };
  }

  get(): DeviceStatus {
    return this.current;
  }

  set(state: DeviceState, detail?: string): void {
    if (state === this.current.state && detail === this.current.detail) return;
    this.current =
      detail === undefined
        ? { state, since: new Date().toISOString() }
        : { state, since: new Date().toISOString(), detail };
    this.bus.emit('device.status', { device: this.device, kind: this.kind, ...this.current });
  }
}
