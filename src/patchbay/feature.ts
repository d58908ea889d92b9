import type { App, Feature } from '../app.ts';
import { patchbayRoutes } from '../api/routes/patchbays.ts';
import { notFound } from '../core/errors.ts';
import type { CordSettings } from '../settings/schema.ts';
import { PassiveBay } from './passive/bay.ts';
import { PatchbayService } from './service.ts';
import { expandWiring, PathTracer } from './trace.ts';

export const PATCHBAYS_FEATURE = 'patchbays';
export type PatchbaysFeature = Feature & {
  patchbays: Map<string, PatchbayService>;
  patchbay(id: string): PatchbayService;
  tracer: PathTracer;
  cords(): CordSettings[];
  setCords(cords: CordSettings[]): void;
};

export function patchbaysFeature(app: App): PatchbaysFeature {
  const patchbays = new Map<string, PatchbayService>();
  for (const p of app.settings.patchbays)
    patchbays.set(p.id, new PatchbayService(p, { bus: app.bus, store: app.store, log: app.log }));
  // declared cords: the settings' plus those declared at run time (kept in the store)
  const cordKey = 'patch.cords';
  const runtimeCords = (): CordSettings[] => {
    const row = app.store.db.prepare('SELECT value FROM kv WHERE key = ?').get(cordKey) as
      | { value: string }
      | undefined;
    return row ? (JSON.parse(row.value) as CordSettings[]) : [];
  };
  const cords = () => [...app.settings.cords, ...runtimeCords()];
  const tracer = new PathTracer({
    wiring: expandWiring(app.settings.wiring),
    bays: app.settings.bays.map((b) => new PassiveBay(b)),
    matrices: [...patchbays.values()],
    cords,
  });
  const f: PatchbaysFeature = {
    name: PATCHBAYS_FEATURE,
    patchbays,
    tracer,
    cords,
    setCords(list) {
      app.store.db
        .prepare(
          'INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
        )
        .run(cordKey, JSON.stringify(list), new Date().toISOString());
    },
    patchbay(id: string) {
      const p = patchbays.get(id);
      if (!p)
        throw notFound(
          'E_UNKNOWN_PATCHBAY',
          `no patchbay ${JSON.stringify(id)} (known: ${[...patchbays.keys()].join(', ') || 'none'})`,
          { patchbay: id },
        );
      return p;
    },
    devices: () => [...patchbays.values()],
    routes: (api) => patchbayRoutes(api, f),
  };
  return f;
}
