import type { Bus } from '../core/bus.ts';
import { fail } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Console, ConsoleCaps, ConsoleConfig, ConsoleFamily } from './model.ts';
import { modelStateFormat } from './model-state.ts';
import { quModelNamed } from './qu/codec.ts';
import { QuConsole, quConsoleCaps } from './qu/console.ts';
import { SQ_CAPS, SqConsole } from './sq/console.ts';
import type { StateFormat } from './state.ts';
import { X32_CAPS, X32Console, type X32ConsoleOptions } from './x32/console.ts';
import { x32StateFormat } from './x32/state.ts';

/** The one place a console family becomes a class: the daemon's root and the CLI's direct mode use it. */
export function createConsole(
  cfg: ConsoleConfig,
  deps: { bus: Bus; log: Logger },
  opts: { x32?: X32ConsoleOptions } = {},
): Console {
  switch (cfg.family) {
    case 'x32':
      return new X32Console(cfg, deps, opts.x32);
    case 'sq':
      return new SqConsole(cfg, deps);
    case 'qu':
      return new QuConsole(cfg, deps);
  }
}

/** What a console of a family (and model) carries, without connecting to one: for plans made offline. */
export function capsFor(family: ConsoleFamily, model?: string): ConsoleCaps {
  if (family === 'x32') return X32_CAPS;
  if (family === 'sq') return SQ_CAPS;
  return quConsoleCaps(quModelNamed(model));
}

const FORMATS: Record<ConsoleFamily, StateFormat> = {
  x32: x32StateFormat,
  sq: modelStateFormat('sq'),
  qu: modelStateFormat('qu'),
};

/** The state-file format of a family: validate, diff, differences from an initialised console. */
export function stateFormat(family: ConsoleFamily): StateFormat {
  return FORMATS[family];
}

/** Which family wrote a state file: a JSON model names its family; anything else is X32 scene text. */
export function familyOfState(text: string): ConsoleFamily {
  if (!text.trimStart().startsWith('{')) return 'x32';
  const family = (() => {
    try {
      return (JSON.parse(text) as { family?: unknown }).family;
    } catch {
      return undefined;
    }
  })();
  return family === 'sq' || family === 'qu' ? family : 'sq';
}

/** The default network port of a family's remote protocol. */
export function defaultPort(family: ConsoleFamily): number {
  return family === 'x32' ? 10023 : 51325;
}

/** A console directory: the consoles of this studio, by id (the first is the one services drive by default). */
export class Consoles {
  private readonly byId: Map<string, Console>;

  constructor(list: Console[]) {
    this.byId = new Map(list.map((c) => [c.id, c]));
  }

  list(): Console[] {
    return [...this.byId.values()];
  }

  first(): Console | undefined {
    return this.byId.values().next().value;
  }

  find(id: string): Console | undefined {
    return this.byId.get(id);
  }

  /** The console with this id, else E_UNKNOWN_CONSOLE naming the known ones. */
  get(id: string): Console {
    const c = this.byId.get(id);
    if (!c)
      throw fail(
        'E_UNKNOWN_CONSOLE',
        `no console ${JSON.stringify(id)} (known: ${[...this.byId.keys()].join(', ') || 'none'})`,
        {
          console: id,
        },
      );
    return c;
  }
}
