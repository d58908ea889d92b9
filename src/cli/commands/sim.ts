import type { Command } from 'commander';
import { createLogger } from '../../core/logger.ts';
import { Bus } from '../../core/bus.ts';
import { loadSettings, resolveConfigPath, validateSettings } from '../../settings/load.ts';
import { SimulatedStudio } from '../../sim/studio.ts';
import { CliError, printJson } from '../output.ts';

export function simCommands(program: Command): void {
  program
    .command('sim')
    .description(
      'run only the simulated studio (X32 on udp 10023, SQ on tcp 51325, Qu on tcp 51327 by default) so any tool can talk to it',
    )
    .option(
      '-c, --config <file>',
      'settings file describing the studio to simulate (default: X32 on 127.0.0.1:10023, SQ on :51325, Qu-32 on :51327)',
    )
    .option('--json', 'print the endpoints as JSON')
    .action(async (o: { config?: string; json?: boolean }) => {
      const settings = o.config
        ? loadSettings(resolveConfigPath(o.config))
        : validateSettings({
            consoles: [
              { id: 'x32', family: 'x32', host: '127.0.0.1', port: 10023 },
              { id: 'sq', family: 'sq', host: '127.0.0.1', port: 51325 },
              { id: 'qu', family: 'qu', host: '127.0.0.1', port: 51327 },
            ],
            sim: { enabled: true },
          });
      const log = createLogger({ level: settings.log_level });
      const studio = new SimulatedStudio(settings, { bus: new Bus(), log });
      try {
        await studio.start();
      } catch (e) {
        throw new CliError(`cannot start the simulated studio: ${(e as Error).message}`, 1, 'E_SIM_START');
      }
      if (o.json) printJson({ endpoints: studio.endpoints() });
      else
        for (const e of studio.endpoints())
          process.stdout.write(`${e.id}: ${e.protocol} on ${e.transport} 127.0.0.1:${e.port}\n`);
      const stop = async () => {
        await studio.stop();
        process.exit(0);
      };
      process.on('SIGTERM', () => void stop());
      process.on('SIGINT', () => void stop());
      await new Promise(() => {});
    });
}
