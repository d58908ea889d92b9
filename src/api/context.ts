import type { Bus } from '../core/bus.ts';
import type { Logger } from '../core/logger.ts';
import type { DeviceStatus, Service } from '../core/status.ts';
import type { Settings } from '../settings/schema.ts';
import type { Store } from '../store/db.ts';

export type DeviceKind = 'console' | 'patchbay' | 'audio' | 'simulator';

export interface Device extends Service {
  readonly kind: DeviceKind;
  readonly describe?: () => Record<string, unknown>;
}

/** What the API layer may call: services and read-only facts, never drivers directly. */
export interface ApiContext {
  readonly settings: Settings;
  readonly bus: Bus;
  readonly store: Store;
  readonly log: Logger;
  readonly version: string;
  readonly startedAt: Date;
  isReady(): boolean;
  devices(): Device[];
  deviceStatus(id: string): DeviceStatus | undefined;
}
