import type { Device } from '../core/device.ts';

export type Tie = { input: number | null; output: number };

/** What a routing device can do (patchbay-protocols.md §7). */
export type RouterCaps = {
  inputs: number;
  outputs: number;
  atomicMultiTie: boolean;
  canReadBack: boolean;
  canDisconnect: boolean;
  pushesChanges: boolean;
  presets: boolean;
};

/** Any routing device, relay boards included. Inputs and outputs are 1-based; null = disconnected. */
export interface Matrix extends Device {
  readonly inputs: number;
  readonly outputs: number;
  readonly caps: RouterCaps;
  route(ties: Tie[], actor?: string, opts?: { atomic?: boolean }): Promise<RouteReport>;
  read(): Promise<Array<number | null>>;
  /** The model: what the device last reported (index 0 = output 1). */
  map(): Array<number | null>;
  label(kind: 'input' | 'output', n: number): string;
}

export type RouteReport = {
  patchbay: string;
  ties: Tie[];
  verified: boolean;
  failed: Array<{ output: number; wanted: number | null; got: number | null }>;
  /** The route's own reply was lost; what the device holds was read back instead (the lost reply, worded). */
  settled_by_read_back?: string;
};
