import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { Bus } from '../../core/bus.ts';
import { RadError, revive } from '../../core/errors.ts';
import { workerEntry } from '../engine/engine.ts';
import type { PrepArgs, PrepKind } from './jobs.ts';

export type JobState = {
  id: string;
  kind: PrepKind;
  state: 'running' | 'done' | 'failed';
  fraction: number;
  started_at: string;
  result?: unknown;
  error?: { code: string; message: string };
};

/** Runs prep jobs in worker threads; progress and completion go on the bus (job.progress, job.done). */
export class PrepRunner {
  readonly jobs = new Map<string, JobState>();
  private readonly workers = new Map<string, Worker>();

  constructor(private readonly bus?: Bus) {}

  start(kind: PrepKind, args: PrepArgs, onProgress?: (f: number) => void): { id: string; done: Promise<unknown> } {
    const id = randomUUID();
    const job: JobState = { id, kind, state: 'running', fraction: 0, started_at: new Date().toISOString() };
    this.jobs.set(id, job);
    const { url, entry } = workerEntry('../offline/worker.ts', 'dsp-prep');
    const w = new Worker(url, { workerData: { kind, args, entry } });
    this.workers.set(id, w);
    const done = new Promise<unknown>((resolve, reject) => {
      w.on(
        'message',
        (m: {
          type: string;
          fraction?: number;
          result?: unknown;
          code?: string;
          message?: string;
          httpStatus?: number;
        }) => {
          if (m.type === 'progress') {
            job.fraction = m.fraction!;
            onProgress?.(m.fraction!);
            this.bus?.emit('job.progress', { job: id, kind, fraction: m.fraction! });
          } else if (m.type === 'done') {
            Object.assign(job, { state: 'done', fraction: 1, result: m.result });
            this.bus?.emit('job.done', { job: id, kind, ok: true, result: m.result });
            resolve(m.result);
          } else if (m.type === 'error') {
            Object.assign(job, { state: 'failed', error: { code: m.code!, message: m.message! } });
            this.bus?.emit('job.done', { job: id, kind, ok: false, error: `${m.code}: ${m.message}` });
            reject(revive(m.code, m.message!, 'E_PREP_FAILED'));
          }
        },
      );
      w.on('error', (e) => {
        Object.assign(job, { state: 'failed', error: { code: 'E_PREP_WORKER', message: e.message } });
        reject(new RadError('E_PREP_WORKER', e.message));
      });
      w.on('exit', () => this.workers.delete(id));
    });
    done.catch(() => {});
    return { id, done };
  }

  get(id: string): JobState | undefined {
    return this.jobs.get(id);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.terminate()));
  }
}
