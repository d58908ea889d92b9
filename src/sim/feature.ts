import type { AudioFeature } from '../dsp/feature.ts';
import type { App, Feature } from '../app.ts';
import { SimulatedStudio } from './studio.ts';

export const SIM_FEATURE = 'sim';

export type SimFeature = Feature & { studio: SimulatedStudio | undefined };

/** Starts the simulated studio in-process when `sim.enabled` is set (npm start does). */
export function simFeature(app: App): SimFeature {
  const studio = app.settings.sim.enabled
    ? new SimulatedStudio(app.settings, { bus: app.bus, log: app.log })
    : undefined;
  return {
    name: SIM_FEATURE,
    studio,
    devices: () => studio?.devices ?? [],
    beforeStart: async () => {
      await studio?.start();
      if (!studio) return;
      // the simulated console's input meters follow the simulated audio at its own inputs (the
      // plant's taps, computed sample by sample like the interface inputs), direct out or not
      const engine = app.feature<AudioFeature>('audio')?.engine;
      engine?.onTaps((names, peak) => {
        const banks = new Map<string, Float32Array>();
        names.forEach((name, t) => {
          const m = /^(.+):in:(\d+)$/.exec(name);
          const k = m ? Number(m[2]) : 0;
          if (!m || k < 1 || k > 32 || !studio.x32.has(m[1]!)) return;
          let b = banks.get(m[1]!);
          if (!b) banks.set(m[1]!, (b = new Float32Array(96)));
          b[k - 1] = Number.isFinite(peak[t]!) ? 10 ** (peak[t]! / 20) : 0;
        });
        for (const [id, b] of banks) studio.x32.get(id)?.setMeterLevels(1, b);
      });
    },
    afterStop: async () => {
      if (studio) app.bus.removeOwner(studio);
      await studio?.stop();
    },
  };
}
