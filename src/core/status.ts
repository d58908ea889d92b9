import type { Bus } from './bus.ts';

export type DeviceState = 'starting' | 'online' | 'degraded' | 'offline' | 'stopped';
/** `alerts`: what a person must hear about (a restore that failed), kept until the device is restarted. */
export type DeviceStatus = { state: DeviceState; since: string; detail?: string; alerts?: string[] };

export interface Service {
  readonly id: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): DeviceStatus;
}

/** Holds one device's status and announces every change on the bus as `device.status`. */
export class StatusTracker {
  private current: DeviceStatus;

  private readonly alerts: string[] = [];

  constructor(
    private readonly bus: Bus,
    readonly device: string,
    readonly kind: string,
  ) {
    this.current = { state: 'stopped', since: new Date().toISOString() };
    // an alert about this device (raised by any service) shows on its status until it restarts
    bus.on('device.alert', this, (a) => {
      if (a.device !== this.device) return;
      this.alerts.push(`${a.kind}: ${a.message}`);
      this.announce();
    });
  }

  get(): DeviceStatus {
    return this.alerts.length > 0 ? { ...this.current, alerts: [...this.alerts] } : this.current;
  }

  private announce(): void {
    this.bus.emit('device.status', { device: this.device, kind: this.kind, ...this.get() });
  }

  set(state: DeviceState, detail?: string): void {
    if (state === this.current.state && detail === this.current.detail) return;
    this.current =
      detail === undefined
        ? { state, since: new Date().toISOString() }
        : { state, since: new Date().toISOString(), detail };
    if (state === 'starting') this.alerts.length = 0;
    this.announce();
  }
}
