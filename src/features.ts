import type { FeatureFactory } from './app.ts';
import { consolesFeature } from './console/feature.ts';
import { audioFeature } from './dsp/feature.ts';
import { prepFeature } from './dsp/offline/feature.ts';
import { layoutFeature } from './layout/feature.ts';
import { linecheckFeature } from './linecheck/feature.ts';
import { recallFeature } from './recall/feature.ts';
import { patchbaysFeature } from './patchbay/feature.ts';
import { simFeature } from './sim/feature.ts';

/** Every feature of the daemon, in start order (the simulated studio first). */
export const FEATURES: FeatureFactory[] = [
  simFeature,
  consolesFeature,
  patchbaysFeature,
  audioFeature,
  layoutFeature,
  prepFeature,
  linecheckFeature,
  recallFeature,
];
