import type { Consoles } from '../console/factory.ts';
import type { Bus } from '../core/bus.ts';
import type { PathGuard } from '../core/paths.ts';
import type { Device } from '../core/device.ts';
import type { AudioEngine } from '../dsp/engine/engine.ts';
import type { PrepRunner } from '../dsp/offline/runner.ts';
import type { LayoutService } from '../layout/service.ts';
import type { LineCheckService } from '../linecheck/service.ts';
import type { CordBook } from '../patchbay/cords.ts';
import type { PatchbayService } from '../patchbay/service.ts';
import type { PathTracer } from '../patchbay/trace.ts';
import type { BackupService } from '../recall/backup.ts';
import type { GearService } from '../recall/gear.ts';
import type { MaintenanceService } from '../recall/maintenance.ts';
import type { PrintService } from '../recall/prints.ts';
import type { SnapshotService } from '../recall/snapshots.ts';
import type { AuditRepo } from '../store/repos.ts';
import type { SessionStore } from './session.ts';
import type { CableTester } from '../linecheck/cable.ts';
import type { GainStager } from '../linecheck/gain.ts';

/** The daemon itself, as the system routes see it. */
export type DaemonInfo = {
  version: string;
  startedAt: Date;
  isReady(): boolean;
  devices(): Device[];
};

/** Everything the API may call: services and read-only facts, never drivers or the database. */
export type ApiServices = {
  daemon: DaemonInfo;
  bus: Bus;
  auth: { token: () => string; allowedHosts: Set<string>; writesPerMinute: number; sessions: SessionStore };
  /** Every room's retained state from the facility's MQTT broker (absent without an mqtt: section). */
  facility?: { read(): Promise<unknown> };
  /** Where the built studio page is (dist/web); absent: the page routes say how to build it. */
  web?: { root: string };
  /** Every file path a caller names goes through it. */
  paths: PathGuard;
  audit: Pick<AuditRepo, 'list'>;
  consoles: Consoles;
  patchbays: {
    list(): PatchbayService[];
    get(id: string): PatchbayService;
    tracer: PathTracer;
    cords: CordBook;
    /** The passive bays as declared (points, normals per point, labels). */
    bays(): Array<{
      id: string;
      points: number;
      normal?: string;
      modes?: Record<string, string>;
      labels?: Record<string, string>;
    }>;
  };
  audio: { engine: AudioEngine | undefined; backend?: string; alignmentDbfs?: number };
  linecheck: LineCheckService;
  cables: CableTester;
  gain: GainStager;
  /** The simulated studio's band (absent when the studio is real hardware). */
  sim?: {
    setBand(playing: boolean): { playing: boolean; players: number };
    band(): { playing: boolean; players: number };
  };
  layout: LayoutService;
  recall: {
    snapshots: SnapshotService;
    gear: GearService;
    prints: PrintService;
    dataDir: string;
    backups: BackupService;
    maintenance: MaintenanceService;
  };
  prep: PrepRunner;
};
