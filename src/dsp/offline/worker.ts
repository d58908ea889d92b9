// Offline prep jobs run here, one job per worker, so a long job never stalls the daemon.
import { parentPort, workerData } from 'node:worker_threads';
import { isRadError } from '../../core/errors.ts';
import { type PrepArgs, type PrepKind, runPrepJob } from './jobs.ts';

const { kind, args } = workerData as { kind: PrepKind; args: PrepArgs };
let last = 0;
try {
  const result = runPrepJob(kind, args, (f) => {
    const now = Date.now();
    if (now - last < 100 && f < 1) return;
    last = now;
    parentPort!.postMessage({ type: 'progress', fraction: Math.min(1, f) });
  });
  parentPort!.postMessage({ type: 'done', result });
} catch (e) {
  parentPort!.postMessage({
    type: 'error',
    code: isRadError(e) ? e.code : ((e as { code?: string }).code ?? 'E_PREP_FAILED'),
    message: (e as Error).message,
  });
}
