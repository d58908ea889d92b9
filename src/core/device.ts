import type { Service } from './status.ts';

export type DeviceKind = 'console' | 'patchbay' | 'audio' | 'simulator' | 'bridge';

/** Anything with a status the studio should see in `/status`: consoles, patchbays, the audio engine, simulators. */
export interface Device extends Service {
  readonly kind: DeviceKind;
  readonly describe?: () => Record<string, unknown>;
}
