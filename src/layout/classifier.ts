import type { Role } from './roles.ts';

export type Classification = { role: Role; index?: number; confidence: number; reason: string };

// canonical token -> synonyms (lowercase), from real input-list conventions
const SYN: Record<string, string[]> = {
  kick: ['kick', 'kik', 'kck', 'bd', 'kd', 'kickdrum', 'bassdrum', 'kik drum'],
  in: ['in', 'inside', 'inner', 'int'],
  out: ['out', 'outside', 'outer', 'ext', 'front', 'reso', 'port'],
  sub: ['sub', 'subkick', 'subk', 'nsk'],
  snare: ['snare', 'sn', 'snr', 'sd', 'snar', 'sna', 'snre', 'snares'],
  top: ['top', 'tp', 'up', 'upper'],
  bottom: ['bottom', 'btm', 'bot', 'bttm', 'under', 'btn', 'bott', 'lower', 'bt'],
  hihat: ['hh', 'hihat', 'hat', 'hats', 'hihats', 'hht'],
  tom: ['tom', 'tm', 'toms', 'tomtom'],
  rack: ['rack', 'rck', 'rk', 'hi', 'high', 'mid', 'r1', 'rtom', 'rt'],
  floor: ['floor', 'flr', 'fl', 'ft', 'ftom', 'flt', 'low', 'lo'],
  ride: ['ride', 'rd', 'cym', 'cymbal', 'splash', 'china', 'crash'],
  overhead: ['oh', 'ohs', 'overhead', 'overheads', 'ovh', 'ovhd', 'ovhds', 'o h', 'ohd'],
  room: [
    'room',
    'rm',
    'rooms',
    'amb',
    'ambience',
    'ambient',
    'rmic',
    'tree',
    'decca',
    'outrigger',
    'outriggers',
    'hall',
    'audience',
    'aud',
    'crowd',
    'trash',
  ],
  left: ['l', 'left', 'lft', 'lt'],
  right: ['r', 'right', 'rgt', 'rt'],
  bass: ['bass', 'bs', 'bas', 'bss', 'bgtr', 'ba', 'electric bass', 'eb'],
  di: ['di', 'dir', 'direct', 'line', 'dibox', 'd.i', 'di box'],
  amp: ['amp', 'cab', 'cabinet', 'mic', 'amps', 'spkr'],
  guitar: ['gtr', 'guitar', 'gt', 'git', 'guit', 'gitr', 'gutar', 'guitars', 'gtrs', 'egtr', 'eg', 'elec'],
  acoustic: [
    'acoustic',
    'acc',
    'ac',
    'acou',
    'acgtr',
    'ag',
    'acst',
    'acoust',
    'acous',
    'aco',
    'nylon',
    'steel',
    'mandolin',
    'mando',
    'ukulele',
    'uke',
    'dobro',
    'banjo',
  ],
  keys: [
    'keys',
    'key',
    'kb',
    'keyboard',
    'kbd',
    'kbrd',
    'keyb',
    'rhodes',
    'wurli',
    'wurlitzer',
    'ep',
    'clav',
    'nord',
    'celeste',
    'celesta',
    'harpsichord',
  ],
  piano: ['piano', 'pno', 'pn', 'grand', 'pia'],
  organ: ['organ', 'hammond', 'b3', 'org', 'leslie', 'orgn'],
  synth: ['synth', 'syn', 'moog', 'pad', 'pads', 'synths', 'sampler', 'mellotron', 'juno', 'prophet', 'mpc', 'keytar'],
  vocal: ['vox', 'vocal', 'voc', 'vo', 'vcl', 'vocals', 'voice', 'vx', 'singer', 'vocl', 'vocs'],
  lead: ['lead', 'ld', 'main', 'lv', 'lvox', 'leadvox'],
  backing: [
    'bv',
    'bgv',
    'bvox',
    'backing',
    'bk',
    'bck',
    'harmony',
    'harm',
    'choir',
    'bgvs',
    'bvs',
    'bkg',
    'backup',
    'bu',
  ],
  talkback: ['talkback', 'tb', 'talk', 'talkbk', 'tkbk'],
  click: ['click', 'clk', 'metronome', 'met', 'cue'],
  playback: [
    'tracks',
    'trks',
    'playback',
    'pb',
    'track',
    'stems',
    'seq',
    'trk',
    'backing track',
    'daw',
    'laptop',
    'computer',
    'ableton',
    'spotify',
    'ipod',
    'ipad',
    'iphone',
    'pc',
    'youtube',
    'tidal',
    'music',
    'propresenter',
    'video',
    'loops',
    'loop',
    'dj',
    'turntable',
    'turntables',
    'cdj',
    'serato',
    'walkin',
    'mp3',
  ],
  strings: [
    'strings',
    'violin',
    'viola',
    'cello',
    'vln',
    'vla',
    'vc',
    'str',
    'string',
    'fiddle',
    'vlc',
    'celli',
    'violins',
    'harp',
  ],
  brass: [
    'brass',
    'trumpet',
    'tpt',
    'trp',
    'trombone',
    'tbn',
    'trb',
    'sax',
    'saxophone',
    'horn',
    'horns',
    'tuba',
    'flugel',
    'flugelhorn',
    'tenor',
    'alto',
    'bari',
    'flute',
    'flutes',
    'piccolo',
    'oboe',
    'bassoon',
    'clarinet',
    'clarinets',
    'woodwinds',
    'winds',
    'horn',
  ],
  percussion: [
    'perc',
    'percussion',
    'conga',
    'congas',
    'bongo',
    'bongos',
    'shaker',
    'tamb',
    'tambourine',
    'cajon',
    'timbale',
    'timbales',
    'cowbell',
    'claves',
    'djembe',
    'chimes',
    'glock',
    'glockenspiel',
    'vibes',
    'timpani',
    'timp',
    'timps',
    'xylophone',
    'xylo',
    'marimba',
    'bells',
    'tubular',
    'cassa',
    'quinto',
    'tumba',
    'guiro',
    'spd',
    'egg',
  ],
  fx: ['fx', 'reverb', 'rev', 'delay', 'dly', 'return', 'rtn', 'verb', 'efx', 'plate', 'echo'],
  drum: ['drum', 'drums', 'dr', 'kit'],
  // words that make a vocal someone's backing vocal, or the lead
  extra: ['hype', 'adlib', 'adlibs', 'guest', 'praise', 'soprano', 'choirpart'],
  leadword: ['soloist', 'solo', 'rap', 'rapper', 'mc', 'wl', 'leader'],
  uprightbass: ['upright', 'double', 'dbl', 'contrabass', 'basses', 'kontrabass'],
  pickup: ['pickup', 'pu'],
  spare: ['spare', 'spares'],
  side: ['side'],
};

const LOOKUP = new Map<string, string>();
for (const [canon, list] of Object.entries(SYN))
  for (const s of list) if (!s.includes(' ')) LOOKUP.set(s, LOOKUP.get(s) ?? canon);
// ambiguous short tokens resolved by context below: 'rt' (rack tom / right), 'bt' (bottom / backing track)
const MIC_MODEL = /^(sm|beta|md|e|c|u|km|re|d|akg|at|tlm|ksm|m|mk|nt|r|pr|i|mcd|atm|opus|ksm)\d+[a-z]*$/;
const MIC_NUMBERS = new Set([
  '57',
  '58',
  '7',
  '7b',
  '421',
  '414',
  '87',
  '47',
  '67',
  '91',
  '52',
  '112',
  '20',
  '604',
  '609',
  '906',
  '441',
  '121',
  '160',
  '4038',
  '184',
  '451',
  '81',
  '5',
  '6',
  '2',
  '3',
]);

function levenshtein(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 1) return 2;
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[n]!;
}

const INSTRUMENTS = ['guitar', 'bass', 'keys', 'drum', 'piano', 'synth', 'organ', 'acoustic'];

const FUZZY_KEYS = [...LOOKUP.keys()].filter((k) => k.length >= 4);

type Tokens = { canon: Set<string>; raw: string[]; numbers: number[]; fuzzy: boolean };

export function tokenize(name: string): Tokens {
  const spaced = name
    .replace(/\b[Bb]-?3\b/g, 'hammond')
    .replace(/([a-z])([A-Z])/g, '$1 $2') // AcGtr -> Ac Gtr
    .replace(/([A-Za-z])(\d)/g, '$1 $2') // Gtr1 -> Gtr 1
    .replace(/(\d)([A-Za-z])/g, '$1 $2')
    .toLowerCase()
    .replace(/hi[\s-]*hat/g, 'hihat')
    .replace(/\boh([lr])\b/g, 'oh $1')
    .replace(/\bb-?3\b/g, 'hammond')
    .replace(/bass\s*drum/g, 'kick')
    .replace(/backing\s*tracks?/g, 'tracks')
    .replace(/talk\s*back/g, 'talkback')
    .replace(/sub\s*kick/g, 'sub kick')
    .replace(/you\s*tube/g, 'youtube')
    .replace(/\bo\s*\/\s*h\b/g, 'oh')
    .replace(/\ba[.\s]\s*(gtr|guitar|git)\b/g, 'ac $1')
    .replace(/\b(6|12)[\s-]*string\b/g, 'acgtr')
    .replace(/\bi\s*(pod|phone|pad)\b/g, 'i$1')
    .replace(/walk[\s-]*in/g, 'walkin')
    .replace(/ad[\s-]*libs?/g, 'adlib')
    .replace(/front\s*of\s*(the\s*)?kit/g, 'room')
    .replace(/pro\s*presenter/g, 'propresenter')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  const raw = spaced.split(/\s+/).filter(Boolean);
  const canon = new Set<string>();
  const numbers: number[] = [];
  let fuzzy = false;
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i]!;
    if (/^\d+$/.test(t)) {
      // a small number is an index; a mic model number is not
      if (MIC_NUMBERS.has(t) && i > 0 && numbers.length > 0) continue;
      if (Number(t) >= 1 && Number(t) <= 16 && !(MIC_NUMBERS.has(t) && Number(t) > 9)) numbers.push(Number(t));
      continue;
    }
    if (MIC_MODEL.test(t) && !LOOKUP.has(t)) continue;
    const hit = LOOKUP.get(t);
    if (hit) {
      canon.add(hit);
      continue;
    }
    const near = t.length >= 4 ? FUZZY_KEYS.find((k) => levenshtein(t, k) <= 1) : undefined;
    if (near) {
      canon.add(LOOKUP.get(near)!);
      fuzzy = true;
    }
  }
  return { canon, raw, numbers, fuzzy };
}

/**
 * Maps a real-world source name ("Kik In", "SN Btm", "Bass Amp (SM7)", "BV 2") to a role, an
 * index for numbered roles, and a confidence. Unknown names are `unknown` with confidence 0.
 */
export function classify(name: string): Classification {
  const tk = tokenize(name);
  const has = (c: string) => tk.canon.has(c);
  const raw = (s: string) => tk.raw.includes(s);
  const idx = tk.numbers[0];
  const conf = (c: number) => (tk.fuzzy ? Math.min(c, 0.7) : c);
  const side = has('left') ? 'l' : has('right') ? 'r' : undefined;
  const r = (role: Role, c: number, reason: string, index?: number): Classification => ({
    role,
    confidence: conf(c),
    reason,
    ...(index !== undefined ? { index } : {}),
  });

  if (has('spare')) return { role: 'unknown', confidence: 0.1, reason: 'a spare line' };
  if (has('talkback')) return r('talkback', 1, 'talkback');
  if (has('click') && !has('kick')) return r('click', 1, 'click');
  if (has('playback') || (raw('bt') && !has('snare') && !has('kick'))) return r('playback', 0.95, 'playback / tracks');
  if (has('fx') && !has('vocal') && !has('guitar')) return r('fx-return', 0.9, 'effects return', idx);
  // drum machines and samplers by their model numbers (SP-404, 808)
  if (raw('808') || raw('404') || raw('909')) return r('synth', 0.9, 'drum machine / sampler');
  // register words (Lo, Hi, Top, Sub) qualify an organ, a piano or a conga; they name no drum there
  if (has('organ')) return r('organ', 1, 'organ');
  if (has('percussion') && !has('tom') && !has('kick') && !has('snare') && !has('vocal'))
    return r('percussion', 0.95, 'percussion', idx);
  if (has('brass') && !has('vocal') && !has('backing')) return r('brass', 0.95, 'brass / winds', idx);
  if (has('piano') && !has('vocal') && !has('keys')) {
    if (side === 'l' || raw('lo') || raw('low')) return r('piano-l', side ? 1 : 0.9, 'piano low / left');
    if (side === 'r' || raw('hi') || raw('high')) return r('piano-r', side ? 1 : 0.9, 'piano high / right');
    return r('piano', 0.95, 'piano');
  }
  if (has('kick') || (has('sub') && has('drum'))) {
    if (has('sub')) return r('kick-sub', 1, 'kick + sub');
    if (has('out')) return r('kick-out', 1, 'kick + out');
    if (has('in')) return r('kick-in', 1, 'kick + in');
    return r('kick-in', 0.8, 'kick (no in/out: in)');
  }
  if (has('snare')) {
    if (has('bottom') || has('side') || raw('b')) return r('snare-bottom', 1, 'snare + bottom');
    if (has('top')) return r('snare-top', 1, 'snare + top');
    return r('snare-top', 0.85, 'snare (no top/bottom: top)');
  }
  if (has('hihat')) return r('hihat', 1, 'hi-hat');
  // `T1`, `Rack 2`: shorthand for rack toms
  if (raw('t') && idx !== undefined && tk.raw.length === 2) return r('tom-rack', 0.9, 'T + number: rack tom', idx);
  if (
    has('tom') ||
    (has('floor') && !has('vocal')) ||
    (has('rack') && (raw('tom') || raw('rt') || raw('rack') || raw('rck')))
  ) {
    if (has('floor')) return r('tom-floor', 1, 'floor tom', idx);
    return r('tom-rack', has('rack') || raw('rt') ? 1 : 0.85, 'rack tom', idx);
  }
  if (has('overhead')) {
    if (side === 'l' || idx === 1) return r('overhead-l', 1, 'overhead left');
    if (side === 'r' || idx === 2) return r('overhead-r', 1, 'overhead right');
    return r('overhead', 0.8, 'overhead (mono)');
  }
  if (has('ride') && !has('vocal')) return r('ride', 0.9, 'ride cymbal');
  if (has('room')) {
    if (side === 'l') return r('room-l', 1, 'room left');
    if (side === 'r') return r('room-r', 1, 'room right');
    return r('room', 0.85, 'room');
  }
  if (has('vocal') || has('backing') || has('lead') || has('extra') || has('leadword')) {
    if (has('backing') || has('extra')) return r('vocal-backing', 1, 'backing vocal', idx);
    if (has('leadword')) return r('vocal-lead', 1, 'lead vocal');
    if (has('vocal') && idx !== undefined && idx > 1 && !has('lead'))
      return r('vocal-backing', 0.7, 'numbered vocal', idx);
    if (has('lead') && !has('vocal') && has('guitar')) return r('guitar-electric', 0.9, 'lead guitar', idx);
    if (has('vocal') && !has('lead')) {
      // `Gtr Vox`, `Sarah Vox`: a player's (backing) vocal, named by their instrument or their name
      const player = INSTRUMENTS.some(has) || tk.raw.some((t) => /^[a-z]{2,}$/.test(t) && !LOOKUP.has(t));
      if (player) return r('vocal-backing', 0.8, "a player's vocal", idx);
    }
    if (!has('vocal') && !has('lead')) return r('vocal-lead', 0.6, 'lead (by name)');
    return r('vocal-lead', has('lead') ? 1 : 0.85, 'lead vocal');
  }
  if (has('synth')) return r('synth', 0.95, 'synth', idx);
  if ((has('bass') || has('uprightbass')) && !has('drum')) {
    if (has('di') || has('pickup')) return r('bass-di', 1, 'bass DI');
    if (has('amp')) return r('bass-amp', 1, 'bass amp');
    // an upright / double bass (or an acoustic bass) is a microphone on the instrument
    if (has('uprightbass') || has('acoustic')) return r('bass-amp', 0.9, 'upright bass (mic)');
    return r('bass-di', 0.75, 'bass (no DI/amp: DI)');
  }
  if (raw('steel') && (raw('pedal') || raw('lap'))) return r('guitar-electric', 1, 'pedal / lap steel');
  if (has('guitar') || (has('acoustic') && !has('piano'))) {
    if (has('acoustic')) return r('guitar-acoustic', 1, 'acoustic guitar', idx);
    return r('guitar-electric', 0.95, 'electric guitar', idx);
  }
  if (has('piano'))
    return side ? r(side === 'l' ? 'piano-l' : 'piano-r', 1, `piano ${side}`) : r('piano', 0.95, 'piano');
  if (has('organ')) return r('organ', 1, 'organ');
  if (has('synth')) return r('synth', 0.95, 'synth', idx);
  if (has('keys')) return side ? r(side === 'l' ? 'keys-l' : 'keys-r', 1, `keys ${side}`) : r('keys', 0.9, 'keys', idx);
  if (has('strings')) return r('strings', 0.95, 'strings', idx);
  if (has('brass')) return r('brass', 0.95, 'brass', idx);
  if (has('percussion')) return r('percussion', 0.95, 'percussion', idx);
  if (has('drum')) return r('overhead', 0.4, 'drum mic (kit)');
  return { role: 'unknown', confidence: 0, reason: 'no known words' };
}
