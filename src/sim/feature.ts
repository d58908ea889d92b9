import type { App, Feature } from '../app.ts';
import { SimulatedStudio } from './studio.ts';

export const SIM_FEATURE = 'sim';

export type SimFeature = Feature & { studio: SimulatedStudio | undefined };

/** Starts the simulated studio in-process when `sim.enabled` is set (npm start does). */
export function simFeature(app: App): SimFeature {
  const studio = app.settings.sim.enabled ? new SimulatedStudio(app.settings, { bus: app.bus, log: app.log }) : undefined;
  return {
    name: SIM_FEATURE,
    studio,
    devices: () => studio?.devices ?? [],
    beforeStart: async () => {
      await studio?.start();
    },
    afterStop: async () => {
      await studio?.stop();
    },
  };
}
