import { bitmapLaw, enumLaw, intLaw, type Law, levelLaw, linLaw, logLaw, stringLaw, tokenLaw } from './laws.ts';

/**
 * The X32 node tree in scene order (layout L4b, firmware 4.06+, 2117 node lines), with each
 * node's leaves, laws and initial text. Facts: shared/reference/x32-osc.md §5, x32-scene.md §3–7.
 */

export type LeafSpec = { name: string; law: Law };
export type NodeSpec = { path: string; leaves: LeafSpec[]; init: string };
export type Leaf = { address: string; law: Law; node: NodeSpec; field: number };

// ---- enumerations ----
export const ONOFF = enumLaw(['OFF', 'ON']);
export const COLORS = [
  'OFF',
  'RD',
  'GN',
  'YE',
  'BL',
  'MG',
  'CY',
  'WH',
  'OFFi',
  'RDi',
  'GNi',
  'YEi',
  'BLi',
  'MGi',
  'CYi',
  'WHi',
] as const;
const COLOR = enumLaw(COLORS);
const ICON = intLaw(1, 74);
const SOURCE = intLaw(0, 64);
const NAME = stringLaw(12);
const FADER = levelLaw(1024);
const SEND = levelLaw(161);
const PAN = linLaw(-100, 100, 2, 'pan');
const FREQ = logLaw(20, 20000, 201, 'freq');
const HOLD = logLaw(0.02, 2000, 101, 'time');
const RELEASE = logLaw(5, 4000, 101, 'time');
const DELAY_TIME = linLaw(0.3, 500, 0.1, 'delay');
const FILTER_TYPE = enumLaw(['LC6', 'LC12', 'HC6', 'HC12', '1.0', '2.0', '3.0', '5.0', '10.0']);
const RATIO = enumLaw(['1.1', '1.3', '1.5', '2.0', '2.5', '3.0', '4.0', '5.0', '7.0', '10', '20', '100']);
const PREPOST = enumLaw(['PRE', 'POST']);
const INSERT_SEL = enumLaw([
  'OFF',
  ...Array.from({ length: 8 }, (_, i) => [`FX${i + 1}L`, `FX${i + 1}R`]).flat(),
  ...Array.from({ length: 6 }, (_, i) => `AUX${i + 1}`),
]);
const EQ_TYPE = enumLaw(['LCut', 'LShv', 'PEQ', 'VEQ', 'HShv', 'HCut']);
const EQ_TYPE_MTX = enumLaw([
  'LCut',
  'LShv',
  'PEQ',
  'VEQ',
  'HShv',
  'HCut',
  'BU6',
  'BU12',
  'BS12',
  'LR12',
  'BU18',
  'BU24',
  'BS24',
  'LR24',
]);
const EQ_GAIN = linLaw(-15, 15, 0.25, 'eqg');
const EQ_Q = logLaw(10, 0.3, 72, 'q');
const SEND_TAP = enumLaw(['IN/LC', '<-EQ', 'EQ->', 'PRE', 'POST', 'GRP']);
const SEND_TAP_BUS = enumLaw(['IN/LC', '<-EQ', 'EQ->', 'PRE', 'POST']);
const OUT_POS = enumLaw(['IN/LC', 'IN/LC+M', '<-EQ', '<-EQ+M', 'EQ->', 'EQ->+M', 'PRE', 'PRE+M', 'POST']);

const b8 = (prefix: string, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}${from + i * 8}-${from + i * 8 + 7}`);
export const IN_BLOCKS = [
  ...b8('AN', 1, 4),
  ...b8('A', 1, 6),
  ...b8('B', 1, 6),
  ...b8('CARD', 1, 4),
  ...b8('UIN', 1, 4),
];
const AUX_BLOCKS = [
  'AUX1-4',
  'AN1-2',
  'AN1-4',
  'AN1-6',
  'A1-2',
  'A1-4',
  'A1-6',
  'B1-2',
  'B1-4',
  'B1-6',
  'CARD1-2',
  'CARD1-4',
  'CARD1-6',
  'UIN1-2',
  'UIN1-4',
  'UIN1-6',
];
const OUT8_BLOCKS = [
  ...IN_BLOCKS.slice(0, 20),
  'OUT1-8',
  'OUT9-16',
  'P161-8',
  'P169-16',
  'AUX1-6/Mon',
  'AuxIN1-6/TB',
  ...b8('UOUT', 1, 6),
  ...b8('UIN', 1, 4),
];
const b4 = (prefix: string, firsts: number[]) => firsts.map((f) => `${prefix}${f}-${f + 3}`);
// 4-channel output blocks (routing/OUT): slots 1-4 and 9-12 take first halves, 5-8 and 13-16 second halves
// x32-osc.md §5: "same family order (…, AUX/CR, AUX/TB = 24, 25); FW4 to 35": 26–31 are the
// USB-out blocks and 32–35 the USB-in blocks, as in the 8-channel list (26–31 UOUT, 32–35 UIN),
// named here by the same rule as the 4-channel halves above (inferred: no console-written file in
// the reference holds one; a console that sends another name keeps it raw, flagged unvalidated).
const OUT4_A = [
  ...b4('AN', [1, 9, 17, 25]),
  ...b4('A', [1, 9, 17, 25, 33, 41]),
  ...b4('B', [1, 9, 17, 25, 33, 41]),
  ...b4('CARD', [1, 9, 17, 25]),
  'OUT1-4',
  'OUT9-12',
  'P161-4',
  'P169-12',
  'AUX/CR',
  'AUX/TB',
  ...b4('UOUT', [1, 9, 17, 25, 33, 41]),
  ...b4('UIN', [1, 9, 17, 25]),
];
const OUT4_B = [
  ...b4('AN', [5, 13, 21, 29]),
  ...b4('A', [5, 13, 21, 29, 37, 45]),
  ...b4('B', [5, 13, 21, 29, 37, 45]),
  ...b4('CARD', [5, 13, 21, 29]),
  'OUT5-8',
  'OUT13-16',
  'P165-8',
  'P1613-16',
  'AUX/CR',
  'AUX/TB',
  ...b4('UOUT', [5, 13, 21, 29, 37, 45]),
  ...b4('UIN', [5, 13, 21, 29]),
];

// FX type names (Maillot's protocol document); slots 5–8 take the insert-only tail.
export const FX_TYPES =
  'HALL AMBI RPLT ROOM CHAM PLAT VREV VRM GATE RVRS DLY 3TAP 4TAP CRS FLNG PHAS DIMC FILT ROTA PAN SUB D/RV CR/R FL/R D/CR D/FL MODD GEQ2 GEQ TEQ2 TEQ DES2 DES P1A P1A2 PQ5 PQ5S WAVD LIM CMB CMB2 FAC FAC1M FAC2 LEC LEC2 ULC ULC2 ENH2 ENH EXC2 EXC IMG EDI SON AMP2 AMP DRV2 DRV PIT2 PIT'.split(
    ' ',
  );
const FX_TYPE_1_4 = enumLaw(FX_TYPES);
/**
 * Slots 5–8 take 34 insert-type effects in their own index order, not a tail of the 61
 * (x32-scene.md §7.7, from P. Maillot's X32SetScene.h `Xfxtyp5` and console-written files that
 * hold `/fx/5 PHAS`): no CMB, CMB2, PIT2, PIT; PHAS, FILT, PAN and SUB at the end.
 */
export const FX_TYPES_5_8 =
  'GEQ2 GEQ TEQ2 TEQ DES2 DES P1A P1A2 PQ5 PQ5S WAVD LIM FAC FAC1M FAC2 LEC LEC2 ULC ULC2 ENH2 ENH EXC2 EXC IMG EDI SON AMP2 AMP DRV2 DRV PHAS FILT PAN SUB'.split(
    ' ',
  );
const FX_TYPE_5_8 = enumLaw(FX_TYPES_5_8);
const FX_SOURCE = enumLaw(['INS', ...Array.from({ length: 16 }, (_, i) => `MIX${i + 1}`), 'M/C']);

const pad2 = (n: number) => String(n).padStart(2, '0');
const pad3 = (n: number) => String(n).padStart(3, '0');
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const L = (name: string, law: Law): LeafSpec => ({ name, law });
const repeat = (s: string, n: number) => Array.from({ length: n }, () => s).join(' ');
const pairs = (n: number) => range(1, n).map((i) => `${2 * i - 1}-${2 * i}`);

// ---- strip part templates ----
const configLeaves = (withSource: boolean) => [
  L('name', NAME),
  L('icon', ICON),
  L('color', COLOR),
  ...(withSource ? [L('source', SOURCE)] : []),
];
const delayLeaves = [L('on', ONOFF), L('time', DELAY_TIME)];
const filterLeaves = [L('on', ONOFF), L('type', FILTER_TYPE), L('f', FREQ)];
const gateLeaves = [
  L('on', ONOFF),
  L('mode', enumLaw(['EXP2', 'EXP3', 'EXP4', 'GATE', 'DUCK'])),
  L('thr', linLaw(-80, 0, 0.5, 'fix1')),
  L('range', linLaw(3, 60, 1, 'fix1')),
  L('attack', linLaw(0, 120, 1, 'int')),
  L('hold', HOLD),
  L('release', RELEASE),
  L('keysrc', SOURCE),
];
const dynLeaves = (withKey: boolean) => [
  L('on', ONOFF),
  L('mode', enumLaw(['COMP', 'EXP'])),
  L('det', enumLaw(['PEAK', 'RMS'])),
  L('env', enumLaw(['LIN', 'LOG'])),
  L('thr', linLaw(-60, 0, 0.5, 'fix1')),
  L('ratio', RATIO),
  L('knee', linLaw(0, 5, 1, 'int')),
  L('mgain', linLaw(0, 24, 0.5, 'fix2')),
  L('attack', linLaw(0, 120, 1, 'int')),
  L('hold', HOLD),
  L('release', RELEASE),
  L('pos', PREPOST),
  ...(withKey ? [L('keysrc', SOURCE)] : []),
  L('mix', linLaw(0, 100, 5, 'int')),
  L('auto', ONOFF),
];
const insertLeaves = [L('on', ONOFF), L('pos', PREPOST), L('sel', INSERT_SEL)];
const eqBandLeaves = (typeLaw: Law) => [L('type', typeLaw), L('f', FREQ), L('g', EQ_GAIN), L('q', EQ_Q)];
const grpLeaves = [L('dca', bitmapLaw(8)), L('mute', bitmapLaw(6))];
const stripMixLeaves = [
  L('on', ONOFF),
  L('fader', FADER),
  L('st', ONOFF),
  L('pan', PAN),
  L('mono', ONOFF),
  L('mlevel', SEND),
];
const oddSend = (tap: Law) => [
  L('on', ONOFF),
  L('level', SEND),
  L('pan', PAN),
  L('type', tap),
  L('panFollow', intLaw(0, 1)),
];
const evenSend = [L('on', ONOFF), L('level', SEND)];

const CH_EQ_INIT = ['PEQ 124.7 +0.00 2.0', 'PEQ 496.6 +0.00 2.0', 'PEQ 1k97 +0.00 2.0', 'HShv 10k02 +0.00 2.0'];
const BUS_EQ_INIT = [
  'LShv 79.6 +0.00 2.0',
  'PEQ 158.9 +0.00 2.0',
  'PEQ 496.6 +0.00 2.0',
  'PEQ 1k97 +0.00 2.0',
  'PEQ 5k02 +0.00 2.0',
  'HShv 10k02 +0.00 2.0',
];
const DYN_INIT = (det: string, withKey: boolean) =>
  `OFF COMP ${det} LOG 0.0 3.0 1 0.00 10 10.0  151 POST${withKey ? ' 0' : ''} 100 OFF`;
const FILTER_INIT = 'OFF 3.0 990.9';
const GRP_INIT = '%00000000 %000000';

function sends(base: string, count: number, tap: Law, pan: string, tapInit = 'POST'): NodeSpec[] {
  return range(1, count).map((s) =>
    s % 2 === 1
      ? { path: `${base}/mix/${pad2(s)}`, leaves: oddSend(tap), init: `ON   -oo ${pan} ${tapInit} 0` }
      : { path: `${base}/mix/${pad2(s)}`, leaves: evenSend, init: 'ON   -oo' },
  );
}

function eqNodes(base: string, bands: number, typeLaw: Law, inits: string[]): NodeSpec[] {
  return [
    { path: `${base}/eq`, leaves: [L('on', ONOFF)], init: 'OFF' },
    ...range(1, bands).map((b) => ({ path: `${base}/eq/${b}`, leaves: eqBandLeaves(typeLaw), init: inits[b - 1]! })),
  ];
}

function channel(n: number): NodeSpec[] {
  const b = `/ch/${pad2(n)}`;
  return [
    { path: `${b}/config`, leaves: configLeaves(true), init: `"" 1 YE ${n}` },
    { path: `${b}/delay`, leaves: delayLeaves, init: 'OFF   0.3' },
    {
      path: `${b}/preamp`,
      leaves: [
        L('trim', linLaw(-18, 18, 0.25, 'sign1')),
        L('invert', ONOFF),
        L('hpon', ONOFF),
        L('hpslope', enumLaw(['12', '18', '24'])),
        L('hpf', logLaw(20, 400, 101, 'hpf')),
      ],
      init: '+0.0 OFF OFF 24  20',
    },
    { path: `${b}/gate`, leaves: gateLeaves, init: 'OFF GATE -80.0 60.0 1  502  983 0' },
    { path: `${b}/gate/filter`, leaves: filterLeaves, init: FILTER_INIT },
    { path: `${b}/dyn`, leaves: dynLeaves(true), init: DYN_INIT('PEAK', true) },
    { path: `${b}/dyn/filter`, leaves: filterLeaves, init: FILTER_INIT },
    { path: `${b}/insert`, leaves: insertLeaves, init: 'OFF POST OFF' },
    ...eqNodes(b, 4, EQ_TYPE, CH_EQ_INIT),
    { path: `${b}/mix`, leaves: stripMixLeaves, init: 'ON   -oo ON +0 OFF   -oo' },
    ...sends(b, 16, SEND_TAP, '+0'),
    { path: `${b}/grp`, leaves: grpLeaves, init: GRP_INIT },
    {
      path: `${b}/automix`,
      leaves: [L('group', enumLaw(['OFF', 'X', 'Y'])), L('weight', linLaw(-12, 12, 0.5, 'sign1w5'))],
      init: 'OFF  +0.0',
    },
  ];
}

function auxin(n: number): NodeSpec[] {
  const b = `/auxin/${pad2(n)}`;
  const pan = n <= 4 ? '+0' : n % 2 === 1 ? '-100' : '+100'; // aux 5/6 and 7/8 linked by default
  const config = n <= 6 ? `"" 55 GN ${32 + n}` : n === 7 ? '"USB L" 60 YE 39' : '"USB R" 60 YE 40';
  return [
    { path: `${b}/config`, leaves: configLeaves(true), init: config },
    { path: `${b}/preamp`, leaves: [L('trim', linLaw(-18, 18, 0.25, 'sign1')), L('invert', ONOFF)], init: '+0.0 OFF' },
    ...eqNodes(b, 4, EQ_TYPE, CH_EQ_INIT),
    { path: `${b}/mix`, leaves: stripMixLeaves, init: `ON   -oo ON ${pan} OFF   -oo` },
    ...sends(b, 16, SEND_TAP, pan),
    { path: `${b}/grp`, leaves: grpLeaves, init: GRP_INIT },
  ];
}

function fxrtn(n: number): NodeSpec[] {
  const b = `/fxrtn/${pad2(n)}`;
  const pan = n % 2 === 1 ? '-100' : '+100';
  return [
    { path: `${b}/config`, leaves: configLeaves(false), init: '"" 61 MG' },
    ...eqNodes(b, 4, EQ_TYPE, CH_EQ_INIT),
    { path: `${b}/mix`, leaves: stripMixLeaves, init: `ON   -oo ON ${pan} OFF   -oo` },
    ...sends(b, 16, SEND_TAP, pan),
    { path: `${b}/grp`, leaves: grpLeaves, init: GRP_INIT },
  ];
}

function bus(n: number): NodeSpec[] {
  const b = `/bus/${pad2(n)}`;
  return [
    { path: `${b}/config`, leaves: configLeaves(false), init: n <= 12 ? '"" 71 CY' : `"Fx ${n - 12}" 71 MG` },
    { path: `${b}/dyn`, leaves: dynLeaves(true), init: DYN_INIT('RMS', true) },
    { path: `${b}/dyn/filter`, leaves: filterLeaves, init: FILTER_INIT },
    { path: `${b}/insert`, leaves: insertLeaves, init: 'OFF PRE OFF' },
    ...eqNodes(b, 6, EQ_TYPE, BUS_EQ_INIT),
    { path: `${b}/mix`, leaves: stripMixLeaves, init: 'ON   -oo OFF +0 OFF   -oo' },
    ...sends(b, 6, SEND_TAP_BUS, '+0'),
    { path: `${b}/grp`, leaves: grpLeaves, init: GRP_INIT },
  ];
}

function matrix(n: number): NodeSpec[] {
  const b = `/mtx/${pad2(n)}`;
  return [
    { path: `${b}/config`, leaves: configLeaves(false), init: '"" 72 MG' },
    { path: `${b}/preamp`, leaves: [L('invert', ONOFF)], init: 'OFF' },
    { path: `${b}/dyn`, leaves: dynLeaves(false), init: DYN_INIT('RMS', false) },
    { path: `${b}/dyn/filter`, leaves: filterLeaves, init: FILTER_INIT },
    { path: `${b}/insert`, leaves: insertLeaves, init: 'OFF PRE OFF' },
    ...eqNodes(b, 6, EQ_TYPE_MTX, BUS_EQ_INIT),
    { path: `${b}/mix`, leaves: [L('on', ONOFF), L('fader', FADER)], init: 'ON   -oo' },
    { path: `${b}/grp`, leaves: grpLeaves, init: GRP_INIT },
  ];
}

function main(which: 'st' | 'm'): NodeSpec[] {
  const b = `/main/${which}`;
  return [
    { path: `${b}/config`, leaves: configLeaves(false), init: which === 'st' ? '"" 66 WH' : '"" 67 OFF' },
    { path: `${b}/dyn`, leaves: dynLeaves(false), init: DYN_INIT('RMS', false) },
    { path: `${b}/dyn/filter`, leaves: filterLeaves, init: FILTER_INIT },
    { path: `${b}/insert`, leaves: insertLeaves, init: 'OFF PRE OFF' },
    ...eqNodes(b, 6, EQ_TYPE, BUS_EQ_INIT),
    which === 'st'
      ? { path: `${b}/mix`, leaves: [L('on', ONOFF), L('fader', FADER), L('pan', PAN)], init: 'ON   -oo +0' }
      : { path: `${b}/mix`, leaves: [L('on', ONOFF), L('fader', FADER)], init: 'ON   -oo' },
    ...sends(b, 6, SEND_TAP_BUS, '+0'),
    { path: `${b}/grp`, leaves: grpLeaves, init: GRP_INIT },
  ];
}

function configBlock(): NodeSpec[] {
  const onoffList = (path: string, names: string[], init: string): NodeSpec => ({
    path,
    leaves: names.map((n) => L(n, ONOFF)),
    init,
  });
  const ints = (path: string, count: number, max: number, width = 2): NodeSpec => ({
    path,
    leaves: range(1, count).map((i) => L(width === 2 ? pad2(i) : String(i), intLaw(0, max))),
    init: repeat('0', count),
  });
  const strs = (path: string, names: string[], init: string, max = 12): NodeSpec => ({
    path,
    leaves: names.map((n) => L(n, stringLaw(max))),
    init,
  });
  const inBlocks = ['1-8', '9-16', '17-24', '25-32'].map((n) => L(n, enumLaw(IN_BLOCKS)));
  const out8 = (names: string[]) => names.map((n) => L(n, enumLaw(OUT8_BLOCKS)));
  const talkAB = [L('level', SEND), L('dim', ONOFF), L('latch', ONOFF), L('destmap', bitmapLaw(18))];
  const userctrl = (bank: string, color: string, enc: string, btn: string): NodeSpec[] => [
    { path: `/config/userctrl/${bank}`, leaves: [L('color', COLOR)], init: color },
    strs(`/config/userctrl/${bank}/enc`, ['1', '2', '3', '4'], enc),
    strs(`/config/userctrl/${bank}/btn`, range(5, 12).map(String), btn),
  ];
  return [
    onoffList('/config/chlink', pairs(16), repeat('OFF', 16)),
    onoffList('/config/auxlink', pairs(4), 'OFF OFF ON ON'),
    onoffList('/config/fxlink', pairs(4), 'ON ON ON ON'),
    onoffList('/config/buslink', pairs(8), repeat('OFF', 8)),
    onoffList('/config/mtxlink', pairs(3), repeat('OFF', 3)),
    onoffList('/config/mute', range(1, 6).map(String), repeat('OFF', 6)),
    onoffList('/config/linkcfg', ['hadly', 'eq', 'dyn', 'fdrmute'], 'ON ON ON ON'),
    { path: '/config/mono', leaves: [L('mode', enumLaw(['LR+M', 'LCR'])), L('link', ONOFF)], init: 'LR+M OFF' },
    {
      path: '/config/solo',
      leaves: [
        L('level', SEND),
        L('source', enumLaw(['OFF', 'LR', 'LR+C', 'LRPFL', 'LRAFL', 'AUX56', 'AUX78'])),
        L('sourcetrim', linLaw(-18, 18, 0.5, 'fix1')),
        L('chmode', enumLaw(['PFL', 'AFL'])),
        L('busmode', enumLaw(['PFL', 'AFL'])),
        L('dcamode', enumLaw(['PFL', 'AFL'])),
        L('exclusive', ONOFF),
        L('followsel', ONOFF),
        L('followsolo', ONOFF),
        L('dimatt', linLaw(-40, 0, 1, 'int')),
        L('dim', ONOFF),
        L('mono', ONOFF),
        L('delay', ONOFF),
        L('delaytime', DELAY_TIME),
        L('masterctrl', ONOFF),
        L('mute', ONOFF),
        L('dimpfl', ONOFF),
      ],
      init: '  0.0 LRAFL 0.0 PFL PFL PFL OFF OFF OFF -20 OFF OFF OFF   0.3 OFF OFF OFF',
    },
    { path: '/config/talk', leaves: [L('enable', ONOFF), L('source', enumLaw(['INT', 'EXT']))], init: 'ON INT' },
    { path: '/config/talk/A', leaves: talkAB, init: '-12.0 OFF ON %000000000000000000' },
    { path: '/config/talk/B', leaves: talkAB, init: '-12.0 OFF ON %000000000000000000' },
    {
      path: '/config/osc',
      leaves: [
        L('level', SEND),
        L('f1', logLaw(20, 20000, 121, 'freq')),
        L('f2', logLaw(20, 20000, 121, 'freq')),
        L('fsel', enumLaw(['F1', 'F2'])),
        L('type', enumLaw(['SINE', 'PINK', 'WHITE'])),
        L('dest', intLaw(0, 25)),
      ],
      init: '-40.0 100.2 1k00 F1 PINK 0',
    },
    ints('/config/userrout/out', 48, 208),
    ints('/config/userrout/in', 32, 168),
    { path: '/config/routing', leaves: [L('routswitch', enumLaw(['REC', 'PLAY']))], init: 'REC' },
    {
      path: '/config/routing/IN',
      leaves: [...inBlocks, L('AUX', enumLaw(AUX_BLOCKS))],
      init: 'AN1-8 AN9-16 AN17-24 AN25-32 AUX1-4',
    },
    {
      path: '/config/routing/AES50A',
      leaves: out8(['1-8', '9-16', '17-24', '25-32', '33-40', '41-48']),
      init: 'OUT1-8 OUT9-16 OUT1-8 OUT9-16 P161-8 P169-16',
    },
    {
      path: '/config/routing/AES50B',
      leaves: out8(['1-8', '9-16', '17-24', '25-32', '33-40', '41-48']),
      init: 'OUT1-8 OUT9-16 OUT1-8 OUT9-16 P161-8 P169-16',
    },
    {
      path: '/config/routing/CARD',
      leaves: out8(['1-8', '9-16', '17-24', '25-32']),
      init: 'AN1-8 AN9-16 AN17-24 AN25-32',
    },
    {
      path: '/config/routing/OUT',
      leaves: [
        L('1-4', enumLaw(OUT4_A)),
        L('5-8', enumLaw(OUT4_B)),
        L('9-12', enumLaw(OUT4_A)),
        L('13-16', enumLaw(OUT4_B)),
      ],
      init: 'OUT1-4 OUT5-8 OUT9-12 OUT13-16',
    },
    {
      path: '/config/routing/PLAY',
      leaves: [...inBlocks, L('AUX', enumLaw(AUX_BLOCKS))],
      init: 'CARD1-8 CARD9-16 CARD17-24 CARD25-32 AUX1-4',
    },
    ...userctrl('A', 'YE', '"X001" "X101" "X201" "X300"', repeat('"-"', 8)),
    ...userctrl('B', 'GN', '"DG" "DJ" "DK" "DL"', '"P0010" "P0011" "P0012" "P0013" "A0" "A1" "P0000" "P0000"'),
    ...userctrl('C', 'BL', repeat('"-"', 4), repeat('"-"', 8)),
    {
      path: '/config/tape',
      leaves: [L('gainL', linLaw(-6, 24, 0.5, 'fix1')), L('gainR', linLaw(-6, 24, 0.5, 'fix1')), L('autoplay', ONOFF)],
      init: '0.0 0.0 ON',
    },
    { path: '/config/amixenable', leaves: [L('X', ONOFF), L('Y', ONOFF)], init: 'OFF OFF' },
    {
      path: '/config/dp48',
      leaves: [L('scope', bitmapLaw(4)), L('broadcast', intLaw(0, 1)), L('aesport', enumLaw(['AESA', 'AESB']))],
      init: '%0000 0 AESA',
    },
    ints('/config/dp48/assign', 48, 48),
    ints('/config/dp48/link', 24, 1),
    strs('/config/dp48/grpname', range(1, 12).map(pad2), repeat('""', 12)),
  ];
}

function dcas(): NodeSpec[] {
  return range(1, 8).flatMap((n) => [
    { path: `/dca/${n}`, leaves: [L('on', ONOFF), L('fader', FADER)], init: 'ON   -oo' },
    { path: `/dca/${n}/config`, leaves: configLeaves(false), init: `"DCA ${n}" 70 WH` },
  ]);
}

function effects(): NodeSpec[] {
  const defaults = ['HALL', 'HALL', 'DLY', 'CRS', 'GEQ2', 'GEQ2', 'GEQ2', 'GEQ'];
  const par = (n: number): NodeSpec => ({
    path: `/fx/${n}/par`,
    leaves: range(1, 64).map((i) => L(pad2(i), tokenLaw)),
    init: repeat('0', 64),
  });
  return range(1, 8).flatMap((n) =>
    n <= 4
      ? [
          { path: `/fx/${n}`, leaves: [L('type', FX_TYPE_1_4)], init: defaults[n - 1]! },
          {
            path: `/fx/${n}/source`,
            leaves: [L('l', FX_SOURCE), L('r', FX_SOURCE)],
            init: `MIX${12 + n} MIX${12 + n}`,
          },
          par(n),
        ]
      : [{ path: `/fx/${n}`, leaves: [L('type', FX_TYPE_5_8)], init: defaults[n - 1]! }, par(n)],
  );
}

function outputs(): NodeSpec[] {
  const out = [L('src', intLaw(0, 76)), L('pos', OUT_POS), L('invert', ONOFF)];
  return [
    ...range(1, 16).flatMap((n) => [
      { path: `/outputs/main/${pad2(n)}`, leaves: out, init: `${n <= 14 ? n + 3 : n - 14} POST OFF` },
      { path: `/outputs/main/${pad2(n)}/delay`, leaves: delayLeaves, init: 'OFF   0.3' },
    ]),
    ...range(1, 6).map((n) => ({ path: `/outputs/aux/${pad2(n)}`, leaves: out, init: '0 POST OFF' })),
    ...range(1, 16).flatMap((n) => [
      { path: `/outputs/p16/${pad2(n)}`, leaves: out, init: `${n + 25} <-EQ OFF` },
      {
        path: `/outputs/p16/${pad2(n)}/iQ`,
        leaves: [
          L('group', enumLaw(['OFF', 'A', 'B'])),
          L('speaker', enumLaw(['none', 'iQ8', 'iQ10', 'iQ12', 'iQ15', 'iQ15B', 'iQ18B'])),
          L('eq', enumLaw(['Linear', 'Live', 'Speech', 'Playback', 'User'])),
          L('model', intLaw(0, 15)),
        ],
        init: 'OFF none Linear 0',
      },
    ]),
    ...range(1, 2).map((n) => ({ path: `/outputs/aes/${pad2(n)}`, leaves: out, init: `${n} POST OFF` })),
    ...range(1, 2).map((n) => ({
      path: `/outputs/rec/${pad2(n)}`,
      leaves: [L('src', intLaw(0, 76)), L('pos', OUT_POS)],
      init: `${n} <-EQ`,
    })),
  ];
}

function headamps(): NodeSpec[] {
  return range(0, 127).map((n) => ({
    path: `/headamp/${pad3(n)}`,
    leaves: [L('gain', linLaw(-12, 60, 0.5, 'sign1')), L('phantom', ONOFF)],
    init: '+0.0 OFF',
  }));
}

/** Leaves that exist on the console but are not part of a scene (status, prefs, actions). */
function extraNodes(): NodeSpec[] {
  return [
    { path: '/-stat/osc', leaves: [L('on', ONOFF)], init: 'OFF' },
    { path: '/-stat/talk', leaves: [L('A', ONOFF), L('B', ONOFF)], init: 'OFF OFF' },
    { path: '/-stat', leaves: [L('selidx', intLaw(0, 71))], init: '0' },
    { path: '/-stat/solosw', leaves: range(1, 80).map((i) => L(pad2(i), ONOFF)), init: repeat('OFF', 80) },
    // clockrate and clocksource: x32-osc.md §5 names `clockrate` under /-prefs without its values;
    // the enums below are the unofficial OSC documentation's (48K first, sources INT, AES50A,
    // AES50B, CARD), UNVERIFIED against a console-written file: a console that answers another
    // token keeps it raw (unvalidated), and the clock check then says it cannot read the clock
    {
      path: '/-prefs',
      leaves: [
        L('name', stringLaw(32)),
        L('clockrate', enumLaw(['48K', '44K1'])),
        L('clocksource', enumLaw(['INT', 'AES50A', 'AES50B', 'CARD'])),
      ],
      init: '"X32-SIM" 48K INT',
    },
    { path: '/-show/prepos', leaves: [L('current', intLaw(-1, 99))], init: '-1' },
  ];
}

export const SCENE_NODES: readonly NodeSpec[] = [
  ...configBlock(),
  ...range(1, 32).flatMap(channel),
  ...range(1, 8).flatMap(auxin),
  ...range(1, 8).flatMap(fxrtn),
  ...range(1, 16).flatMap(bus),
  ...range(1, 6).flatMap(matrix),
  ...main('st'),
  ...main('m'),
  ...dcas(),
  ...effects(),
  ...outputs(),
  ...headamps(),
];

export const EXTRA_NODES: readonly NodeSpec[] = extraNodes();

/** Lookup tables built once: node by path, leaf by OSC address. */
export class X32Tree {
  readonly nodes: readonly NodeSpec[];
  readonly nodeByPath = new Map<string, NodeSpec>();
  readonly leafByAddress = new Map<string, Leaf>();
  readonly sceneLeaves: Leaf[] = [];

  constructor() {
    this.nodes = [...SCENE_NODES, ...EXTRA_NODES];
    const sceneCount = SCENE_NODES.length;
    this.nodes.forEach((node, i) => {
      this.nodeByPath.set(node.path, node);
      node.leaves.forEach((spec, field) => {
        const leaf: Leaf = { address: `${node.path}/${spec.name}`, law: spec.law, node, field };
        this.leafByAddress.set(leaf.address, leaf);
        if (i < sceneCount) this.sceneLeaves.push(leaf);
      });
    });
  }

  isSceneNode(path: string): boolean {
    return this.nodeByPath.has(path) && !path.startsWith('/-');
  }
}

let shared: X32Tree | undefined;
/** The tree is immutable; build it once per process. */
export function x32Tree(): X32Tree {
  shared ??= new X32Tree();
  return shared;
}
