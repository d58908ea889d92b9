import type { App, Feature } from '../app.ts';
import { audioRoutes } from '../api/routes/audio.ts';
import type { SimFeature } from '../sim/feature.ts';
import { loopTopology } from '../sim/audio.ts';
import { AudioEngine } from './engine/engine.ts';

export const AUDIO_FEATURE = 'audio';
export type AudioFeature = Feature & { engine: AudioEngine | undefined };

/** The audio interface: one DSP engine worker, when settings have an `audio` section. */
export function audioFeature(app: App): AudioFeature {
  const a = app.settings.audio;
  const engine = a
    ? new AudioEngine(
        'audio',
        {
          backend: a.backend,
          sampleRate: a.sample_rate,
          block: a.block,
          window: a.window,
          inputs: a.inputs,
          outputs: a.outputs,
          device: a.device,
          jackClient: a.jack_client,
          jackConnect: a.jack_connect,
          meterHz: 20,
        },
        { bus: app.bus, log: app.log },
      )
    : undefined;
  const feature: AudioFeature = {
    name: AUDIO_FEATURE,
    engine,
    devices: () => (engine ? [engine] : []),
    routes: (api) => audioRoutes(api, feature, app.settings),
    beforeStart: async () => {
      if (!engine || a?.backend !== 'sim') return;
      // the simulated loop: the studio's topology with the faults from settings
      const studio = app.feature<SimFeature>('sim')?.studio;
      engine.setTopology(
        studio ? studio.audioTopology() : loopTopology(a.inputs, a.outputs, app.settings.sim.faults, a.latency_samples),
      );
      // a re-tie on a simulated switcher changes what reaches each input
      studio?.on('topology', (t) => engine.setTopology(t));
    },
  };
  return feature;
}
