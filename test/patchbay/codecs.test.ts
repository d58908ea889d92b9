import { describe, expect, it } from 'vitest';
import * as extron from '../../src/patchbay/extron/codec.ts';
import * as kramer from '../../src/patchbay/kramer/codec.ts';
import * as numato from '../../src/patchbay/numato/codec.ts';
import { BlockAssembler, parseRouting, routingBlock } from '../../src/patchbay/videohub/codec.ts';

describe('Extron SIS codec', () => {
  it('encodes ties, quick multi-ties, map reads, verbose and presets', () => {
    expect(extron.tie(3, 5)).toBe('3*5$');
    expect(extron.tie(3, 5, '!')).toBe('3*5!');
    expect(
      extron.quickTie([
        { input: 1, output: 2 },
        { input: 0, output: 3 },
      ]),
    ).toBe('\x1b+Q1*2$0*3$\r');
    expect(extron.readMap(17, 2)).toBe('\x1b0*17*2VC\r');
    expect(extron.setVerbose(3)).toBe('\x1b3CV\r');
    expect(extron.savePreset(4)).toBe('4,');
    expect(extron.recallPreset(4)).toBe('4.');
  });

  it.each([
    ['Out5 In3 All', { kind: 'tie', output: 5, input: 3, layer: '!' }],
    ['Out12 In0 Aud', { kind: 'tie', output: 12, input: 0, layer: '$' }],
    ['In3 Vid', { kind: 'tie-all', input: 3, layer: '%' }],
    ['Qik', { kind: 'qik' }],
    ['E12', { kind: 'error', code: 12 }],
    ['Vgp00*Out01 03 03 00 -- Aud', { kind: 'map', start: 1, inputs: [3, 3, null, undefined], layer: '$' }],
    ['Vrb3', { kind: 'verbose', mode: 3 }],
    ['Spr04', { kind: 'preset-saved', n: 4 }],
    ['(c) Copyright 2026, Extron Electronics, CrossPoint 32x32, V1.07, 60-1234-01', { kind: 'banner' }],
    ['Wed, 25 Nov 2026 10:00:00', { kind: 'banner' }],
    ['Password:', { kind: 'password' }],
    ['Login Administrator', { kind: 'login', level: 'Administrator' }],
    ['garbage!', { kind: 'unknown', line: 'garbage!' }],
  ])('parses %j', (line, want) => {
    expect(extron.parseReply(line)).toEqual(want);
  });

  it('maps device errors to coded errors', () => {
    expect(extron.errorCode(1).code).toBe('E_PATCH_INPUT_RANGE');
    expect(extron.errorCode(12).code).toBe('E_PATCH_OUTPUT_RANGE');
    expect(extron.errorCode(22)).toMatchObject({ code: 'E_PATCH_BUSY', retryable: true });
  });
});

describe('Kramer Protocol 3000 codec', () => {
  it('encodes commands with CR', () => {
    expect(kramer.route(2, 5, 3)).toBe('#ROUTE 2,5,3\r');
    expect(
      kramer.audMulti([
        { input: 2, output: 1 },
        { input: 0, output: 3 },
      ]),
    ).toBe('#AUD 2>1,0>3\r');
    expect(kramer.routeQuery(2, '*')).toBe('#ROUTE? 2,*\r');
  });
  it.each([
    ['~01@ OK', { kind: 'ok', machine: 1, command: '', params: '' }],
    ['~01@ROUTE 2,5,3 OK', { kind: 'route', machine: 1, layer: 2, output: 5, input: 3, ok: true }],
    ['~01@ROUTE 2,5,3', { kind: 'route', machine: 1, layer: 2, output: 5, input: 3, ok: false }],
    ['~01@ROUTE ERR 003', { kind: 'error', machine: 1, command: 'ROUTE', code: 3 }],
    ['~01@ERR001', { kind: 'error', machine: 1, command: '', code: 1 }],
    ['~01@AUD 2>1,2>2 OK', { kind: 'ok', machine: 1, command: 'AUD', params: '2>1,2>2' }],
  ])('parses %j', (line, want) => {
    expect(kramer.parseReply(line)).toEqual(want);
  });
});

describe('Videohub codec', () => {
  it('assembles blocks and converts 0-based routing', () => {
    const a = new BlockAssembler();
    const lines = ['VIDEO OUTPUT ROUTING:', '0 5', '3 2', '', '', 'ACK', '', 'FUTURE BLOCK:', 'x', ''];
    const blocks = lines.map((l) => a.push(l)).filter(Boolean);
    expect(blocks).toEqual([
      { header: 'VIDEO OUTPUT ROUTING', lines: ['0 5', '3 2'] },
      { header: 'ACK', lines: [] },
      { header: 'FUTURE BLOCK', lines: ['x'] },
    ]);
    expect(parseRouting(['0 5', '3 2', 'junk'])).toEqual([
      { output: 1, input: 6 },
      { output: 4, input: 3 },
    ]);
    expect(routingBlock([{ output: 1, input: 6 }])).toBe('VIDEO OUTPUT ROUTING:\n0 5\n\n');
  });
});

describe('Numato codec', () => {
  it('numbers relays 0–9 then letters, and sizes bitmaps by board', () => {
    expect(numato.relayChar(9)).toBe('9');
    expect(numato.relayChar(10)).toBe('A');
    expect(numato.relayChar(31)).toBe('V');
    expect(numato.parseRelayChar('V')).toBe(31);
    expect(() => numato.relayChar(32)).toThrow();
    expect(numato.writeAll(0x0f, 8)).toBe('relay writeall 0F\r');
    expect(numato.writeAll(0x1, 32)).toBe('relay writeall 00000001\r');
    expect(numato.parseBitmap('00F0', 16)).toBe(0xf0);
    expect(numato.parseBitmap('F0', 16)).toBeUndefined();
  });
});
