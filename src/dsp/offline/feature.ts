import type { App, Feature } from '../../app.ts';
import { prepRoutes } from '../../api/routes/prep.ts';
import { PrepRunner } from './runner.ts';

export const PREP_FEATURE = 'prep';
export type PrepFeature = Feature & { runner: PrepRunner };

/** Offline session-prep jobs (strip silence, gate, declick, bounce), each in its own worker. */
export function prepFeature(app: App): PrepFeature {
  const runner = new PrepRunner(app.bus);
  return {
    name: PREP_FEATURE,
    runner,
    devices: () => [],
    routes: (api) => prepRoutes(api, runner),
    afterStop: () => runner.stop(),
  };
}
