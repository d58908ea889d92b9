import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src/core/backoff.ts';
import { Bus, parseTopicFilter, TOPICS } from '../../src/core/bus.ts';

describe('bus', () => {
  it('delivers typed events per topic and removes all of an owner in one call', () => {
    const bus = new Bus();
    const a = {};
    const b = {};
    const got: string[] = [];
    bus.on('console.changed', a, (p) => got.push(`a:${p.path}`));
    bus.on('device.status', a, (p) => got.push(`a:${p.state}`));
    bus.on('console.changed', b, (p) => got.push(`b:${p.path}`));
    bus.onAny(b, (_p, t) => got.push(`b*:${t}`));
    bus.emit('console.changed', { console: 'x', path: '/ch/01/mix/fader', value: 0, source: 'device' });
    expect(got).toEqual(['a:/ch/01/mix/fader', 'b:/ch/01/mix/fader', 'b*:console.changed']);
    bus.removeOwner(a);
    got.length = 0;
    bus.emit('device.status', { device: 'd', kind: 'console', state: 'online', since: '' });
    expect(got).toEqual(['b*:device.status']);
    bus.removeOwner(b);
    expect(bus.listenerCount()).toBe(0);
  });

  it('a failing listener does not stop the others', () => {
    const errors: string[] = [];
    const bus = new Bus((e) => errors.push(String(e)));
    const got: number[] = [];
    bus.on('job.done', {}, () => {
      throw new Error('boom');
    });
    bus.on('job.done', {}, () => got.push(1));
    bus.emit('job.done', { job: 'j', kind: 'k', ok: true });
    expect(got).toEqual([1]);
    expect(errors[0]).toContain('boom');
  });

  it('parses topic filters with wildcards and names an unknown one', () => {
    expect([...(parseTopicFilter('console.*,linecheck.result') as Set<string>)].sort()).toEqual([
      'console.changed',
      'console.meters',
      'linecheck.result',
    ]);
    expect((parseTopicFilter(undefined) as Set<string>).size).toBe(TOPICS.length);
    expect(parseTopicFilter('console.*,nope.*')).toEqual({ unknown: 'nope.*' });
  });
});

describe('backoff', () => {
  it('waits 1 s three times, then doubles up to 60 s', () => {
    const b = new Backoff();
    const seq = Array.from({ length: 10 }, () => b.next());
    expect(seq).toEqual([1000, 1000, 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    b.reset();
    expect(b.next()).toBe(1000);
  });
});
