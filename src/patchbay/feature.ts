import type { App, Feature } from '../app.ts';
import { patchbayRoutes } from '../api/routes/patchbays.ts';
import { notFound } from '../core/errors.ts';
import { PatchbayService } from './service.ts';

export const PATCHBAYS_FEATURE = 'patchbays';
export type PatchbaysFeature = Feature & { patchbays: Map<string, PatchbayService>; patchbay(id: string): PatchbayService };

export function patchbaysFeature(app: App): PatchbaysFeature {
  const patchbays = new Map<string, PatchbayService>();
  for (const p of app.settings.patchbays) patchbays.set(p.id, new PatchbayService(p, { bus: app.bus, store: app.store, log: app.log }));
  const f: PatchbaysFeature = {
    name: PATCHBAYS_FEATURE,
    patchbays,
    patchbay(id: string) {
      const p = patchbays.get(id);
      if (!p) throw notFound('E_UNKNOWN_PATCHBAY', `no patchbay ${JSON.stringify(id)} (known: ${[...patchbays.keys()].join(', ') || 'none'})`, { patchbay: id });
      return p;
    },
    devices: () => [...patchbays.values()],
    routes: (api) => patchbayRoutes(api, f),
  };
  return f;
}
