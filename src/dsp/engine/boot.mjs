// Worker bootstrap when running from TypeScript sources: registers tsx in this thread, then
// loads the real worker module (the built bundle does not need this file).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
