import { fail } from '../core/errors.ts';
import { listMidiPorts } from '../drivers/midi/port.ts';

/** USB/ALSA MIDI ports an SQ or Qu can be reached on; E_MIDI_UNAVAILABLE with the reason when there is no sequencer. */
export function consoleMidiPorts(): { inputs: string[]; outputs: string[] } {
  try {
    return listMidiPorts();
  } catch (e) {
    throw fail('E_MIDI_UNAVAILABLE', (e as Error).message);
  }
}
