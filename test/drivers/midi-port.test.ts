// MIDI ports (easymidi/RtMidi). This machine and CI have no ALSA sequencer, so what is tested is
// (1) the message <-> byte conversion both ways, through the shared parser, with every form the
// SQ and Qu drivers send and receive, and (2) that a console on a MIDI port without the sequencer
// is an offline status with the reason, never a crash, in the daemon and in the CLI.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { muteParam, nrpnGet, nrpnWrite, sceneRecall, sendParam } from '../../src/console/sq/codec.ts';
import { quMute, quSetName } from '../../src/console/qu/codec.ts';
import { MidiParser } from '../../src/drivers/midi/parser.ts';
import { easyToBytes, MidiPortLink, messageToEasy } from '../../src/drivers/midi/port.ts';
import { loadSettings } from '../../src/settings/load.ts';
import { runRad, startSimApp, tempDir, waitFor, writeConfig } from '../helpers.ts';

/** What easymidi's Input emits for a message it received (its parseMessage shapes). */
function asEasy(type: string, args: unknown): Record<string, unknown> & { _type: string } {
  return Array.isArray(args) ? { _type: type, bytes: args } : { _type: type, ...(args as object) };
}

describe('MIDI port byte conversion', () => {
  const cases: Array<[string, Uint8Array]> = [
    ['SQ NRPN write, channel 3', nrpnWrite(2, sendParam('level', 'input', 1, 'aux', 1), 15000)],
    ['SQ NRPN get', nrpnGet(0, muteParam('input', 7))],
    ['SQ scene recall (bank select + program change)', sceneRecall(0, 200)],
    ['Qu mute by Note On (two messages)', quMute(0, 5, true)],
    ['Qu name set (SysEx)', quSetName(0, 3, 'Kick')],
    ['active sensing', Uint8Array.of(0xfe)],
  ];
  for (const [what, bytes] of cases) {
    it(`${what}: bytes -> easymidi sends -> bytes are identical`, () => {
      const out: number[] = [];
      for (const m of new MidiParser().feed(Buffer.from(bytes))) {
        const e = messageToEasy(m);
        expect(e, `no easymidi form for ${JSON.stringify(m)}`).toBeDefined();
        out.push(...easyToBytes(asEasy(e![0], e![1]))!);
      }
      expect(out).toEqual(Array.from(bytes));
    });
  }

  it('drops what a mixer driver has no use for (clock) instead of inventing bytes', () => {
    expect(easyToBytes({ _type: 'clock' })).toBeUndefined();
    expect(messageToEasy({ kind: 'realtime', byte: 0xf8 })).toBeUndefined();
  });
});

describe('MIDI port without the ALSA sequencer', () => {
  it('the link refuses to open with a coded reason naming the device file', async () => {
    const e = await MidiPortLink.open({ name: 'SQ', seqPath: '/nonexistent/snd/seq' }).catch(
      (x: Error & { code?: string }) => x,
    );
    expect(e).toBeInstanceOf(Error);
    expect((e as { code?: string }).code).toBe('E_MIDI_UNAVAILABLE');
    expect((e as Error).message).toMatch(/no ALSA sequencer \(\/nonexistent\/snd\/seq is absent\).*snd-seq/);
  });

  it('settings: midi_port is for SQ/Qu, and not together with host', () => {
    const dir = tempDir();
    const bad = (consoles: unknown[]) => {
      try {
        loadSettings(writeConfig(dir, { consoles }));
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(bad([{ id: 'x', family: 'x32', midi_port: 'X32' }])).toMatch(/consoles\[0\]\.midi_port: an X32 speaks OSC/);
    expect(bad([{ id: 'q', family: 'qu', midi_port: 'Qu-16', host: '10.0.0.5' }])).toMatch(
      /consoles\[0\]\.midi_port: set either midi_port/,
    );
    expect(bad([{ id: 'q', family: 'qu' }])).toMatch(/consoles\[0\]\.host: is required \(or, for sq\/qu, midi_port\)/);
    expect(bad([{ id: 'q', family: 'qu', midi_port: 'Qu-16' }])).toBe('');
  });

  describe('in the daemon', () => {
    let app: App;
    beforeAll(async () => {
      app = await startSimApp({ consoles: [{ id: 'sq-usb', family: 'sq', midi_port: 'rad-test-no-such-port' }] });
    });
    afterAll(async () => app.stop());

    it('the console is offline with the reason; the rest of the daemon runs', async () => {
      const seq = existsSync('/dev/snd/seq');
      await waitFor(
        async () =>
          (await app.inject({ method: 'GET', url: '/api/v1/consoles' })).json().consoles[0].state === 'offline',
        5000,
        50,
      );
      const c = (await app.inject({ method: 'GET', url: '/api/v1/consoles' })).json().consoles[0];
      expect(c.info).toMatchObject({ family: 'sq', midi_port: 'rad-test-no-such-port' });
      expect(c.detail).toMatch(
        seq ? /no MIDI input named "rad-test-no-such-port"/ : /no ALSA sequencer \(\/dev\/snd\/seq is absent\)/,
      );
      const w = await app.inject({
        method: 'PUT',
        url: '/api/v1/consoles/sq-usb/values',
        payload: { path: 'input/1/mute', value: true },
      });
      expect(w.statusCode).toBe(503);
      expect(w.json().error).toBe('E_CONSOLE_OFFLINE');
      const ports = await app.inject({ method: 'GET', url: '/api/v1/midi/ports' });
      if (seq) {
        expect(ports.statusCode).toBe(200);
        expect(ports.json().inputs).not.toContain('rad-test-no-such-port');
      } else
        expect(ports.json()).toMatchObject({
          error: 'E_MIDI_UNAVAILABLE',
          message: expect.stringMatching(/\/dev\/snd\/seq/),
        });
      expect((await app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode).toBe(200);
    });
  });

  it('the CLI says why and exits 1', async () => {
    const r = runRad(['console', 'get', 'input/1/mute', '--family', 'qu', '--midi-port', 'rad-test-no-such-port']);
    expect((await r.exit).code).toBe(1);
    expect(r.stderr()).toMatch(
      /E_CONSOLE_OFFLINE.*MIDI port rad-test-no-such-port does not answer \(.*(no ALSA sequencer|no MIDI input named)/,
    );
  });
});
