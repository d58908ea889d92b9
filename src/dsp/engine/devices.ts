import { fail } from '../../core/errors.ts';
import { listJackDevices } from '../../drivers/audio/jack.ts';
import { listDevices } from '../../drivers/audio/portaudio.ts';

/** Audio devices the backend can open: JACK clients with audio ports, else PortAudio devices; E_AUDIO_UNAVAILABLE with the reason. */
export function listAudioDevices(backend: string | undefined): {
  backend: 'jack' | 'portaudio';
  devices: Array<{ name: string }>;
} {
  try {
    if (backend === 'jack') return { backend: 'jack', devices: listJackDevices() };
    return { backend: 'portaudio', devices: listDevices() };
  } catch (e) {
    throw fail('E_AUDIO_UNAVAILABLE', (e as Error).message);
  }
}
