import type { App, Feature } from '../app.ts';
import { recallRoutes } from '../api/routes/recall.ts';
import type { ConsolesFeature } from '../console/feature.ts';
import type { PatchbaysFeature } from '../patchbay/feature.ts';
import type { AudioFeature } from '../dsp/feature.ts';
import type { LayoutFeature } from '../layout/feature.ts';
import { trackSheetTable } from '../session/tracksheet.ts';
import { GearService } from './gear.ts';
import { PrintService } from './prints.ts';
import { SnapshotService } from './snapshots.ts';

export const RECALL_FEATURE = 'recall';
export type RecallFeature = Feature & { snapshots: SnapshotService; gear: GearService; prints: PrintService };

export function recallFeature(app: App): RecallFeature {
  const snapshots = new SnapshotService({
    store: app.store,
    bus: app.bus,
    console: () => app.feature<ConsolesFeature>('consoles')?.consoles.values().next().value,
    patchbays: () => app.feature<PatchbaysFeature>('patchbays')?.patchbays ?? new Map(),
  });
  const gear = new GearService({ store: app.store, bus: app.bus });
  const prints = new PrintService({
    store: app.store,
    bus: app.bus,
    engine: () => app.feature<AudioFeature>('audio')?.engine,
    gear,
    snapshots,
    dataDir: app.settings.data_dir,
    inputs: app.settings.audio?.print_inputs ?? [1, 2],
  });
  return {
    name: RECALL_FEATURE,
    snapshots,
    gear,
    prints,
    devices: () => [],
    routes: (api) =>
      recallRoutes(api, snapshots, app.store, gear, prints, (inputs, profile) => {
        const layout = app.feature<LayoutFeature>('layout');
        return layout ? trackSheetTable(layout.layout.plan(inputs, profile).plan) : '';
      }),
  };
}
