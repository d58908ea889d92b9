import type { App, Feature } from '../app.ts';
import { notFound } from '../core/errors.ts';
import { consoleRoutes } from '../api/routes/consoles.ts';
import type { Console } from './model.ts';
import { QuConsole } from './qu/console.ts';
import { SqConsole } from './sq/console.ts';
import { X32Console } from './x32/console.ts';

export const CONSOLES_FEATURE = 'consoles';

export type ConsolesFeature = Feature & { consoles: Map<string, Console>; console(id: string): Console };

/** Builds one console service per `consoles[]` entry. */
export function consolesFeature(app: App): ConsolesFeature {
  const consoles = new Map<string, Console>();
  for (const c of app.settings.consoles) {
    if (c.family === 'x32') consoles.set(c.id, new X32Console(c, { bus: app.bus, store: app.store, log: app.log }));
    else if (c.family === 'sq') consoles.set(c.id, new SqConsole(c, { bus: app.bus, store: app.store, log: app.log }));
    else consoles.set(c.id, new QuConsole(c, { bus: app.bus, store: app.store, log: app.log }));
  }
  const feature: ConsolesFeature = {
    name: CONSOLES_FEATURE,
    consoles,
    console(id: string): Console {
      const c = consoles.get(id);
      if (!c)
        throw notFound(
          'E_UNKNOWN_CONSOLE',
          `no console ${JSON.stringify(id)} (known: ${[...consoles.keys()].join(', ') || 'none'})`,
          { console: id },
        );
      return c;
    },
    devices: () => [...consoles.values()],
    routes: (api) => consoleRoutes(api, feature),
  };
  return feature;
}
