import { type ByteLink, TcpLink } from '../stream.ts';
import { MidiPortLink } from './port.ts';

/** Where a MIDI console is: MIDI over TCP (A&H port 51325) or a MIDI port (USB/ALSA). */
export type MidiTransport =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'port'; name: string; seqPath?: string };

export function describeTransport(t: MidiTransport): string {
  return t.kind === 'tcp' ? `${t.host}:${t.port}` : `MIDI port ${JSON.stringify(t.name)}`;
}

/** Opens the byte link; failures are Errors whose message says why (for the offline status). */
export function openMidiLink(t: MidiTransport): Promise<ByteLink> {
  return t.kind === 'tcp' ? TcpLink.open(t.host, t.port) : MidiPortLink.open({ name: t.name, seqPath: t.seqPath });
}
