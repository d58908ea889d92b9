import type { Command } from 'commander';
import type { PrepArgs, PrepKind } from '../../dsp/offline/jobs.ts';
import { PrepRunner } from '../../dsp/offline/runner.ts';
import { CliError, printJson } from '../output.ts';
import { progressBar } from '../progress.ts';

function number(v: string, what: string): number {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new CliError(`${what} ${JSON.stringify(v)} is not a number`, 2, 'E_USAGE');
  return n;
}

function pairs(list: string[] | undefined, what: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of list ?? []) {
    const i = item.lastIndexOf('=');
    if (i <= 0) throw new CliError(`${what} ${JSON.stringify(item)} must be NAME=VALUE`, 2, 'E_USAGE');
    out[item.slice(0, i)] = number(item.slice(i + 1), what);
  }
  return out;
}

/** Runs a prep job locally in a worker (no daemon needed), with a progress bar on a TTY. */
async function run(kind: PrepKind, args: PrepArgs, json?: boolean): Promise<void> {
  const bar = progressBar(kind, !json && process.stderr.isTTY === true);
  const runner = new PrepRunner();
  try {
    const result = await runner.start(kind, args, (f) => bar.update(Math.round(f * 100), 100)).done;
    bar.stop();
    if (json) printJson(result);
    else
      for (const r of Array.isArray(result) ? result : [result])
        process.stdout.write(
          `${Object.entries(r as Record<string, unknown>)
            .filter(([, v]) => v !== undefined)
            .map(
              ([k, v]) =>
                `${k}: ${typeof v === 'number' ? Math.round(v * 1000) / 1000 : typeof v === 'object' && v !== null ? JSON.stringify(v) : v}`,
            )
            .join('  ')}\n`,
        );
  } finally {
    bar.stop();
    await runner.stop();
  }
}

export function prepCommands(program: Command): void {
  const prep = program
    .command('prep')
    .description(
      'session prep on WAV files: strip silence, gate bleed, declick, vocal cleanup, bounce (inputs are never modified)',
    );

  prep
    .command('strip-silence')
    .argument('<inputs...>', 'WAV files')
    .option('--threshold <dbfs>', 'peak threshold in dBFS (shared by every track)', '-50')
    .option('--track-threshold <name=dbfs...>', 'a threshold for one track of the set, e.g. kick=-30')
    .option('--min-region <ms>', 'drop regions shorter than this', '100')
    .option('--min-gap <ms>', 'bridge gaps shorter than this', '250')
    .option('--pre <ms>', 'padding before each region', '10')
    .option('--post <ms>', 'padding after each region', '50')
    .option('--fade <ms>', 'fade at region edges', '5')
    .option('--no-render', 'only write the region lists')
    .option('--out <dir>', 'output folder (default: beside each input)')
    .option('--json', 'print JSON')
    .action((inputs: string[], o: Record<string, string | boolean | undefined>) =>
      run(
        'strip-silence',
        {
          inputs,
          out: o.out as string | undefined,
          render: o.render !== false,
          thresholds: pairs(o.trackThreshold as unknown as string[] | undefined, '--track-threshold'),
          options: {
            threshold: number(o.threshold as string, '--threshold'),
            min_region_ms: number(o.minRegion as string, '--min-region'),
            min_gap_ms: number(o.minGap as string, '--min-gap'),
            pre_ms: number(o.pre as string, '--pre'),
            post_ms: number(o.post as string, '--post'),
            fade_ms: number(o.fade as string, '--fade'),
          },
        },
        o.json === true,
      ),
    );

  prep
    .command('gate')
    .argument('<inputs...>', 'WAV files')
    .option('--key <file>', 'key track: open the gate from this signal (e.g. the tom mic itself)')
    .option('--threshold <dbfs>', 'open threshold', '-40')
    .option('--range <db>', 'attenuation when closed', '40')
    .option('--attack <ms>', 'attack', '0.5')
    .option('--hold <ms>', 'hold', '50')
    .option('--release <ms>', 'release', '120')
    .option('--lookahead <ms>', 'lookahead', '2')
    .option('--hysteresis <db>', 'closes this far below the threshold', '4')
    .option('--out <dir>', 'output folder')
    .option('--json', 'print JSON')
    .action((inputs: string[], o: Record<string, string | boolean | undefined>) =>
      run(
        'gate',
        {
          inputs,
          key: o.key as string | undefined,
          out: o.out as string | undefined,
          options: {
            threshold: number(o.threshold as string, '--threshold'),
            range: number(o.range as string, '--range'),
            attack_ms: number(o.attack as string, '--attack'),
            hold_ms: number(o.hold as string, '--hold'),
            release_ms: number(o.release as string, '--release'),
            lookahead_ms: number(o.lookahead as string, '--lookahead'),
            hysteresis: number(o.hysteresis as string, '--hysteresis'),
          },
        },
        o.json === true,
      ),
    );

  prep
    .command('declick')
    .description(
      'repair clicks (re-drawn from the audio either side) and pops (a modelled low thump taken off); a CSV lists each',
    )
    .argument('<inputs...>', 'WAV files')
    .option('--sensitivity <sd>', 'detection threshold in robust standard deviations (lower finds more)', '10')
    .option('--max-click <ms>', 'longest click to repair', '2')
    .option('--no-pops', 'clicks only: leave low thumps (plosives, knocks) alone')
    .option('--pop-rise <db>', 'how far a pop stands above the band under 150 Hz around it (higher finds fewer)', '8')
    .option('--max-pop <ms>', 'longest pop: a longer low rise is programme (a kick, a bass note)', '12')
    .option('--out <dir>', 'output folder')
    .option('--json', 'print JSON')
    .action((inputs: string[], o: Record<string, string | boolean | undefined>) =>
      run(
        'declick',
        {
          inputs,
          out: o.out as string | undefined,
          options: {
            sensitivity: number(o.sensitivity as string, '--sensitivity'),
            max_click_ms: number(o.maxClick as string, '--max-click'),
            pops: o.pops !== false,
            pop_rise_db: number(o.popRise as string, '--pop-rise'),
            max_pop_ms: number(o.maxPop as string, '--max-pop'),
          },
        },
        o.json === true,
      ),
    );

  prep
    .command('vocal')
    .description('vocal cleanup: de-esser, breath reduction, noise reduction; each step only when asked, each reported')
    .argument('<inputs...>', 'WAV files')
    .option('--deess', 'split-band de-esser (the sibilance frequency found from the take)')
    .option('--deess-max <db>', 'the most the sibilant band is pulled down', '10')
    .option('--breaths <db>', 'lower breaths between phrases by this many dB (e.g. -12); never cut')
    .option('--denoise', 'stationary noise reduction from a noise print of the quietest stretches')
    .option('--denoise-max <db>', 'the most any frequency is lowered', '15')
    .option('--out <dir>', 'output folder')
    .option('--json', 'print JSON')
    .action((inputs: string[], o: Record<string, string | boolean | undefined>) =>
      run(
        'vocal',
        {
          inputs,
          out: o.out as string | undefined,
          options: {
            deess: o.deess === true,
            deess_max_db: number(o.deessMax as string, '--deess-max'),
            ...(o.breaths !== undefined ? { breaths: number(o.breaths as string, '--breaths') } : {}),
            denoise: o.denoise === true,
            denoise_db: number(o.denoiseMax as string, '--denoise-max'),
          },
        },
        o.json === true,
      ),
    );

  prep
    .command('bounce')
    .argument('<inputs...>', 'WAV files to sum')
    .requiredOption('--out <file>', 'the stem to write')
    .option('--gain <name=db...>', 'per-track gain, e.g. A=-3 (file name with or without .wav)')
    .option('--pan <name=pos...>', 'per-track pan for mono tracks, -1 (left) … 1 (right)')
    .option('--mono', 'bounce to mono')
    .option('--json', 'print JSON')
    .action((inputs: string[], o: { out: string; gain?: string[]; pan?: string[]; mono?: boolean; json?: boolean }) =>
      run(
        'bounce',
        {
          inputs,
          out: o.out,
          gains: pairs(o.gain, '--gain'),
          pans: pairs(o.pan, '--pan'),
          options: { channels: o.mono ? 1 : 2 },
        },
        o.json,
      ),
    );
}
