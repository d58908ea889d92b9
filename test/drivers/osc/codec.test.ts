import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from '../../../src/drivers/osc/codec.ts';

const hex = (b: Buffer) => b.toString('hex');

describe('OSC codec (x32-osc.md §1 worked bytes)', () => {
  it('encodes a get with and without a type-tag string', () => {
    expect(hex(encodeMessage('/ch/01/mix/fader', [], false))).toBe('2f63682f30312f6d69782f6661646572' + '00000000');
    expect(encodeMessage('/ch/01/mix/fader').length).toBe(24);
  });

  it('encodes and decodes the 0.75 fader reply', () => {
    const b = encodeMessage('/ch/01/mix/fader', [{ type: 'f', value: 0.75 }]);
    expect(hex(b)).toBe('2f63682f30312f6d69782f6661646572000000002c6600003f400000');
    expect(decodeMessage(b)).toEqual({ address: '/ch/01/mix/fader', args: [{ type: 'f', value: 0.75 }] });
  });

  it('decodes a request with no type-tag string, and the `node` reply address', () => {
    expect(decodeMessage(Buffer.from('2f696e666f000000', 'hex'))).toEqual({ address: '/info', args: [] });
    const node = encodeMessage('node', [{ type: 's', value: '/headamp/124 +0.0 OFF\n' }]);
    expect(decodeMessage(node)).toEqual({ address: 'node', args: [{ type: 's', value: '/headamp/124 +0.0 OFF\n' }] });
  });

  it('pads strings with 1–4 NULs', () => {
    expect(encodeMessage('/abc', [], false).length).toBe(4 + 4); // "/abc" + 4 NULs
    expect(encodeMessage('/ab', [], false).length).toBe(4);
  });

  it('round-trips ints, strings and blobs; the meters request bytes match the doc', () => {
    const req = encodeMessage('/meters', [
      { type: 's', value: '/meters/6' },
      { type: 'i', value: 16 },
    ]);
    expect(hex(req)).toBe('2f6d6574657273002c7369002f6d65746572732f3600000000000010');
    const blob = Buffer.from([1, 2, 3, 4, 5]);
    const m = decodeMessage(
      encodeMessage('/x', [
        { type: 'i', value: -7 },
        { type: 's', value: 'héllo' },
        { type: 'b', value: blob },
      ]),
    );
    expect(m.args).toEqual([
      { type: 'i', value: -7 },
      { type: 's', value: 'héllo' },
      { type: 'b', value: blob },
    ]);
  });

  it('rejects malformed packets with a coded error', () => {
    for (const bad of [
      '2f6162',
      '2f616263',
      '2f61620078797a00',
      '2f610000' + '2c690000',
      '2f610000' + '2c730000' + '41424344',
      '2f610000' + '2c710000',
      '2362756e646c6500',
    ]) {
      expect(() => decodeMessage(Buffer.from(bad, 'hex')), bad).toThrow(
        expect.objectContaining({ code: 'E_OSC_MALFORMED' }),
      );
    }
  });
});
