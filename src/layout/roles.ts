/** Source roles the classifier knows, in the studio's words, with the family each belongs to. */
export const ROLES = [
  'kick-in', 'kick-out', 'kick-sub', 'snare-top', 'snare-bottom', 'hihat', 'tom-rack', 'tom-floor', 'ride', 'overhead-l', 'overhead-r', 'overhead',
  'room-l', 'room-r', 'room', 'bass-di', 'bass-amp', 'guitar-electric', 'guitar-acoustic', 'keys-l', 'keys-r', 'keys', 'piano-l', 'piano-r', 'piano',
  'organ', 'synth', 'vocal-lead', 'vocal-backing', 'talkback', 'playback', 'click', 'strings', 'brass', 'percussion', 'fx-return', 'unknown',
] as const;

export type Role = (typeof ROLES)[number];

export const FAMILY: Record<Role, string> = {
  'kick-in': 'drums', 'kick-out': 'drums', 'kick-sub': 'drums', 'snare-top': 'drums', 'snare-bottom': 'drums', hihat: 'drums', 'tom-rack': 'drums',
  'tom-floor': 'drums', ride: 'drums', 'overhead-l': 'drums', 'overhead-r': 'drums', overhead: 'drums', 'room-l': 'drums', 'room-r': 'drums', room: 'drums',
  'bass-di': 'bass', 'bass-amp': 'bass', 'guitar-electric': 'guitars', 'guitar-acoustic': 'guitars', 'keys-l': 'keys', 'keys-r': 'keys', keys: 'keys',
  'piano-l': 'keys', 'piano-r': 'keys', piano: 'keys', organ: 'keys', synth: 'keys', 'vocal-lead': 'vocals', 'vocal-backing': 'vocals',
  talkback: 'utility', playback: 'utility', click: 'utility', strings: 'orchestral', brass: 'orchestral', percussion: 'percussion', 'fx-return': 'fx', unknown: 'other',
};

/** Default display names (the profile's name style may change case; names are cut to the console's limit). */
export const ROLE_NAME: Record<Role, string> = {
  'kick-in': 'Kick In', 'kick-out': 'Kick Out', 'kick-sub': 'Kick Sub', 'snare-top': 'Snare Top', 'snare-bottom': 'Snare Btm', hihat: 'Hi-Hat',
  'tom-rack': 'Rack Tom', 'tom-floor': 'Floor Tom', ride: 'Ride', 'overhead-l': 'OH L', 'overhead-r': 'OH R', overhead: 'OH', 'room-l': 'Room L', 'room-r': 'Room R',
  room: 'Room', 'bass-di': 'Bass DI', 'bass-amp': 'Bass Amp', 'guitar-electric': 'Gtr', 'guitar-acoustic': 'Ac Gtr', 'keys-l': 'Keys L', 'keys-r': 'Keys R', keys: 'Keys',
  'piano-l': 'Piano L', 'piano-r': 'Piano R', piano: 'Piano', organ: 'Organ', synth: 'Synth', 'vocal-lead': 'Lead Vox', 'vocal-backing': 'BV', talkback: 'Talkback',
  playback: 'Tracks', click: 'Click', strings: 'Strings', brass: 'Brass', percussion: 'Perc', 'fx-return': 'FX Rtn', unknown: 'Input',
};
