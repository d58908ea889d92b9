import type { App, Feature } from '../app.ts';
import { expandWiring } from '../settings/wiring.ts';
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
      if (!studio) return;
      // the simulated console's input meters follow the simulated audio: an interface input that
      // returns console input K shows its level on the console's meter K (bank 1)
      const returns = new Map<number, { console: string; input: number }>();
      for (const w of expandWiring(app.settings.wiring)) {
        const from = /^(.+):in:(\d+)$/.exec(w.from);
        const to = /^iface:in:(\d+)$/.exec(w.to);
        if (from && to && studio.x32.has(from[1]!)) returns.set(Number(to[1]), { console: from[1]!, input: Number(from[2]) });
      }
      if (returns.size === 0) return;
      app.bus.on('audio.meters', studio, (m) => {
        const banks = new Map<string, Float32Array>();
        for (const c of m.channels) {
          const r = returns.get(c.channel);
          if (!r || r.input > 32) continue;
          let b = banks.get(r.console);
          if (!b) banks.set(r.console, (b = new Float32Array(96)));
          b[r.input - 1] = c.peak_dbfs <= -200 ? 0 : 10 ** (c.peak_dbfs / 20);
        }
        for (const [id, b] of banks) studio.x32.get(id)?.setMeterLevels(1, b);
      });
    },
    afterStop: async () => {
      if (studio) app.bus.removeOwner(studio);
      await studio?.stop();
    },
  };
}
