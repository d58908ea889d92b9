import { capsFor } from '../console/factory.ts';
import type { Console, ConsoleCaps } from '../console/model.ts';
import { fail } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { type LayoutApplyReport, type LayoutDiff, applyLayout, diffLayout } from './apply.ts';
import { applyCues, type CueApplyReport, type CueDiff, type CuePlan, diffCues, planCues } from './cues.ts';
import { parseInputList } from './inputlist.ts';
import { type LayoutPlan, planLayout } from './plan.ts';
import type { Profile } from './profile.ts';
import type { ProfileStore } from './profiles.ts';

/** Finds the console a layout is for: by id, else the studio's first. */
export type ConsoleLookup = {
  find(id: string): Console | undefined;
  get(id: string): Console;
  first(): Console | undefined;
};

/**
 * Input list + engineer profile → a plan for a console's strips, the diff against the live desk,
 * and the apply. The plan is made for the console's own capabilities (an SQ-7's 48 inputs, a
 * Qu's 6-character names); with no console configured, for an X32.
 */
export class LayoutService {
  constructor(
    readonly profiles: ProfileStore,
    private readonly deps: { consoles: ConsoleLookup; log: Logger; profilesDir?: string },
  ) {}

  /** Seeds the store from the profile folder (REST edits win). */
  loadProfiles(): void {
    if (!this.deps.profilesDir) return;
    const r = this.profiles.loadDir(this.deps.profilesDir);
    this.deps.log.info({ loaded: r.loaded, errors: r.errors.length }, 'engineer profiles loaded');
  }

  private consoleFor(id?: string): Console | undefined {
    return id ? this.deps.consoles.get(id) : this.deps.consoles.first();
  }

  /** What the plan is made for: the console's capabilities (X32 when there is none). */
  capsFor(consoleId?: string): ConsoleCaps {
    return this.consoleFor(consoleId)?.caps ?? capsFor('x32');
  }

  plan(inputs: string, profileName: string, consoleId?: string): { plan: LayoutPlan; diff?: LayoutDiff } {
    const profile = this.profiles.get(profileName);
    const con = this.consoleFor(consoleId);
    const plan = planLayout(parseInputList(inputs), profile, con?.caps ?? capsFor('x32'));
    const live = con && ['online', 'degraded'].includes(con.status().state);
    return live ? { plan, diff: diffLayout(plan, con) } : { plan };
  }

  /** The plan alone, with the profile (for DAW templates and track sheets). */
  template(inputs: string, profileName: string, consoleId?: string): { plan: LayoutPlan; profile: Profile } {
    const profile = this.profiles.get(profileName);
    return { plan: planLayout(parseInputList(inputs), profile, this.capsFor(consoleId)), profile };
  }

  /** The profile's cue mixes for this input list, and the diff against the live desk. */
  cues(inputs: string, profileName: string, consoleId?: string): { cues: CuePlan; diff?: CueDiff } {
    const profile = this.profiles.get(profileName);
    const con = this.consoleFor(consoleId);
    const caps = con?.caps ?? capsFor('x32');
    const cues = planCues(planLayout(parseInputList(inputs), profile, caps), profile, caps);
    const live = con && ['online', 'degraded'].includes(con.status().state);
    return live ? { cues, diff: diffCues(cues, con) } : { cues };
  }

  async applyCues(
    inputs: string,
    profileName: string,
    opts: { console?: string; force?: boolean } = {},
  ): Promise<{ cues: CuePlan; report: CueApplyReport }> {
    const con = this.consoleFor(opts.console);
    if (!con) throw fail('E_NO_CONSOLE', 'no console configured to set cue mixes on');
    const profile = this.profiles.get(profileName);
    const cues = planCues(planLayout(parseInputList(inputs), profile, con.caps), profile, con.caps);
    return { cues, report: await applyCues(cues, con, { force: opts.force, actor: 'cues' }) };
  }

  async apply(
    inputs: string,
    profileName: string,
    consoleId?: string,
  ): Promise<{ plan: LayoutPlan; report: LayoutApplyReport }> {
    const con = this.consoleFor(consoleId);
    if (!con) throw fail('E_NO_CONSOLE', 'no console configured to apply a layout to');
    const profile = this.profiles.get(profileName);
    const plan = planLayout(parseInputList(inputs), profile, con.caps);
    return { plan, report: await applyLayout(plan, con, 'layout') };
  }
}
