import { phrases, vocalTake, writeMono } from './test/fixtures/corpus.ts';
const take = vocalTake(phrases('/tmp/w/v', 30), 12);
writeMono('/tmp/w/v/take.wav', take.damaged);
