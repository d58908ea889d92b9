import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ByteLink } from '../stream.ts';
import { type MidiMessage, MidiParser } from './parser.ts';

/**
 * MIDI ports (USB class devices, ALSA sequencer clients) through easymidi, as a byte link: what
 * the port receives becomes the same byte stream MIDI-over-TCP carries, so SQ and Qu drivers use
 * one parser and one protocol path for both transports. easymidi hands over whole messages (RtMidi
 * frames them); writes are split back into messages with the shared parser.
 *
 * Without the ALSA sequencer (`/dev/snd/seq`, kernel module `snd-seq`) RtMidi cannot initialise
 * and every easymidi call throws: that is checked first and reported as the reason the console is
 * offline. RtMidi does not report a port that disappears, so the port list is polled.
 */

type EasyMessage = Record<string, unknown> & { _type: string };
type EasyInput = EventEmitter & { close(): void };
type EasyOutput = { send(type: string, args: unknown): void; close(): void };
type EasyMidi = {
  Input: new (name: string) => EasyInput;
  Output: new (name: string) => EasyOutput;
  getInputs(): string[];
  getOutputs(): string[];
};

export class MidiUnavailableError extends Error {
  readonly code = 'E_MIDI_UNAVAILABLE';
}

export type MidiPortOptions = {
  /** Port name as `aconnect -l` / easymidi lists it, or a unique part of it (e.g. "SQ"). */
  name: string;
  /** The ALSA sequencer device; a setting only so tests can point it elsewhere. */
  seqPath?: string;
  /** How often the port list is checked for an unplugged device. */
  pollMs?: number;
};

function loadEasymidi(seqPath: string): EasyMidi {
  if (!existsSync(seqPath)) {
    throw new MidiUnavailableError(
      `no ALSA sequencer (${seqPath} is absent): load the snd-seq kernel module and add the rad user to the audio group, or use MIDI over TCP`,
    );
  }
  try {
    return createRequire(import.meta.url)('easymidi') as EasyMidi;
  } catch (e) {
    throw new MidiUnavailableError(
      `easymidi (RtMidi) is not installed or did not build: ${(e as Error).message.split('\n')[0]}`,
    );
  }
}

/** Every MIDI port the machine has (inputs and outputs), or the reason there are none. */
export function listMidiPorts(seqPath = '/dev/snd/seq'): { inputs: string[]; outputs: string[] } {
  const em = loadEasymidi(seqPath);
  try {
    return { inputs: em.getInputs(), outputs: em.getOutputs() };
  } catch (e) {
    throw new MidiUnavailableError(`RtMidi: ${(e as Error).message}`);
  }
}

function pick(names: string[], want: string, dir: string): string {
  const exact = names.find((n) => n === want);
  if (exact) return exact;
  const part = names.filter((n) => n.includes(want));
  if (part.length === 1) return part[0]!;
  if (part.length > 1)
    throw new MidiUnavailableError(`MIDI ${dir} name ${JSON.stringify(want)} is ambiguous: ${part.join(', ')}`);
  throw new MidiUnavailableError(`no MIDI ${dir} named ${JSON.stringify(want)} (have: ${names.join(', ') || 'none'})`);
}

/** easymidi message → MIDI bytes (the forms SQ and Qu use: CC, notes, program, SysEx, real-time). */
export function easyToBytes(m: EasyMessage): number[] | undefined {
  const ch = (Number(m.channel) || 0) & 0x0f;
  switch (m._type) {
    case 'cc':
      return [0xb0 | ch, Number(m.controller) & 0x7f, Number(m.value) & 0x7f];
    case 'noteon':
      return [0x90 | ch, Number(m.note) & 0x7f, Number(m.velocity) & 0x7f];
    case 'noteoff':
      return [0x80 | ch, Number(m.note) & 0x7f, Number(m.velocity) & 0x7f];
    case 'program':
      return [0xc0 | ch, Number(m.number) & 0x7f];
    case 'pitch': {
      const v = Number(m.value) & 0x3fff;
      return [0xe0 | ch, v & 0x7f, v >> 7];
    }
    case 'sysex':
      return Array.isArray(m.bytes) ? (m.bytes as number[]) : undefined;
    case 'activesense':
      return [0xfe];
    default:
      return undefined; // clock, MTC and the rest mean nothing to a mixer driver
  }
}

/** A parsed MIDI message → easymidi's send(type, args). */
export function messageToEasy(m: MidiMessage): [string, unknown] | undefined {
  switch (m.kind) {
    case 'cc':
      return ['cc', { channel: m.channel, controller: m.controller, value: m.value }];
    case 'note-on':
      return ['noteon', { channel: m.channel, note: m.note, velocity: m.velocity }];
    case 'note-off':
      return ['noteoff', { channel: m.channel, note: m.note, velocity: m.velocity }];
    case 'program':
      return ['program', { channel: m.channel, number: m.program }];
    case 'sysex':
      return ['sysex', Array.from(m.data)]; // the parser keeps F0 … F7
    case 'realtime':
      return m.byte === 0xfe ? ['activesense', {}] : undefined;
    default:
      return undefined;
  }
}

export class MidiPortLink extends EventEmitter<{ data: [Buffer]; close: [reason: string] }> implements ByteLink {
  private readonly parser = new MidiParser();
  private poll: NodeJS.Timeout | undefined;
  private live = true;

  private constructor(
    em: EasyMidi,
    private readonly input: EasyInput,
    private readonly output: EasyOutput,
    inName: string,
    readonly describe: string,
    pollMs: number,
  ) {
    super();
    input.on('message', (m: EasyMessage) => {
      const bytes = easyToBytes(m);
      if (bytes) this.emit('data', Buffer.from(bytes));
    });
    this.poll = setInterval(() => {
      let present = false;
      try {
        present = em.getInputs().includes(inName);
      } catch {
        present = false;
      }
      if (!present) this.shut(`MIDI port ${inName} is gone (unplugged?)`);
    }, pollMs);
    this.poll.unref();
  }

  static async open(opts: MidiPortOptions): Promise<MidiPortLink> {
    const em = loadEasymidi(opts.seqPath ?? '/dev/snd/seq');
    let input: EasyInput | undefined;
    try {
      const inName = pick(em.getInputs(), opts.name, 'input');
      const outName = pick(em.getOutputs(), opts.name, 'output');
      input = new em.Input(inName);
      const output = new em.Output(outName);
      return new MidiPortLink(em, input, output, inName, `midi ${inName}`, opts.pollMs ?? 2000);
    } catch (e) {
      try {
        input?.close();
      } catch {
        // nothing more to release
      }
      if (e instanceof MidiUnavailableError) throw e;
      throw new MidiUnavailableError(`RtMidi: ${(e as Error).message}`);
    }
  }

  write(data: string | Buffer): void {
    if (!this.live) return;
    for (const m of this.parser.feed(typeof data === 'string' ? Buffer.from(data, 'latin1') : data)) {
      const e = messageToEasy(m);
      if (!e) continue;
      try {
        this.output.send(e[0], e[1]);
      } catch (err) {
        this.shut(`MIDI write failed: ${(err as Error).message}`);
        return;
      }
    }
  }

  async close(): Promise<void> {
    this.shut('closed');
  }

  private shut(why: string): void {
    if (!this.live) return;
    this.live = false;
    clearInterval(this.poll);
    for (const p of [this.input, this.output]) {
      try {
        p.close();
      } catch {
        // the port may already be gone
      }
    }
    this.emit('close', why);
  }
}
