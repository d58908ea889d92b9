import type { App, Feature } from '../app.ts';
import { layoutRoutes } from '../api/routes/layout.ts';
import type { ConsolesFeature } from '../console/feature.ts';
import type { Console } from '../console/model.ts';
import { badRequest } from '../core/errors.ts';
import { type LayoutApplyReport, type LayoutDiff, applyLayout, diffLayout } from './apply.ts';
import { parseInputList } from './inputlist.ts';
import { type LayoutPlan, planLayout } from './plan.ts';
import { ProfileStore } from './profiles.ts';

export const LAYOUT_FEATURE = 'layout';

export type LayoutService = {
  profiles: ProfileStore;
  plan(inputs: string, profile: string, consoleId?: string): { plan: LayoutPlan; diff?: LayoutDiff };
  apply(inputs: string, profile: string, consoleId?: string): Promise<{ plan: LayoutPlan; report: LayoutApplyReport }>;
};
export type LayoutFeature = Feature & { layout: LayoutService };

const DEFAULT_CAPS = { inputs: 32, nameLength: 12 };

export function layoutFeature(app: App): LayoutFeature {
  const profiles = new ProfileStore(app.store, app.log);
  const consoleFor = (id?: string): Console | undefined => {
    const f = app.feature<ConsolesFeature>('consoles');
    if (!f) return undefined;
    if (id) return f.console(id);
    return f.consoles.values().next().value;
  };
  const layout: LayoutService = {
    profiles,
    plan(inputs, profileName, consoleId) {
      const profile = profiles.get(profileName);
      const con = consoleFor(consoleId);
      const plan = planLayout(parseInputList(inputs), profile, con?.caps ?? DEFAULT_CAPS);
      const live = con && ['online', 'degraded'].includes(con.status().state);
      return live ? { plan, diff: diffLayout(plan, con) } : { plan };
    },
    async apply(inputs, profileName, consoleId) {
      const con = consoleFor(consoleId);
      if (!con) throw badRequest('E_NO_CONSOLE', 'no console configured to apply a layout to');
      const profile = profiles.get(profileName);
      const plan = planLayout(parseInputList(inputs), profile, con.caps);
      return { plan, report: await applyLayout(plan, con, 'layout') };
    },
  };
  return {
    name: LAYOUT_FEATURE,
    layout,
    devices: () => [],
    routes: (api) => layoutRoutes(api, layout),
    beforeStart: async () => {
      if (!app.settings.profiles_dir) return;
      const r = profiles.loadDir(app.settings.profiles_dir);
      app.log.info({ loaded: r.loaded, errors: r.errors.length }, 'engineer profiles loaded');
    },
  };
}
