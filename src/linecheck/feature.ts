import type { App, Feature } from '../app.ts';
import { linecheckRoutes } from '../api/routes/linecheck.ts';
import type { ConsolesFeature } from '../console/feature.ts';
import type { AudioFeature } from '../dsp/feature.ts';
import type { PatchbaysFeature } from '../patchbay/feature.ts';
import { LineCheckService } from './service.ts';

export const LINECHECK_FEATURE = 'linecheck';
export type LinecheckFeature = Feature & { linecheck: LineCheckService };

export function linecheckFeature(app: App): LinecheckFeature {
  const linecheck = new LineCheckService(app.settings, {
    bus: app.bus,
    store: app.store,
    log: app.log,
    engine: () => app.feature<AudioFeature>('audio')?.engine,
    console: () => app.feature<ConsolesFeature>('consoles')?.consoles.values().next().value,
    patchbays: () => app.feature<PatchbaysFeature>('patchbays')?.patchbays ?? new Map(),
  });
  return { name: LINECHECK_FEATURE, linecheck, devices: () => [], routes: (api) => linecheckRoutes(api, linecheck) };
}
