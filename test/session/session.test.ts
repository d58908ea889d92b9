// Session files against text written by hand from the formats (not read back with rad's own
// parser): REAPER's .RPP track chunks (ISBUS 1 1 opens a folder, 2 -1 closes it; REC armed,
// input — mono input N is N-1; PEAKCOL is 0x1000000 | RGB as BGR bytes) and the track sheet CSV
// (RFC 4180 quoting).
import { describe, expect, it } from 'vitest';
import type { LayoutPlan, PlanChannel } from '../../src/layout/plan.ts';
import { renderRpp } from '../../src/session/rpp.ts';
import { trackSheetCsv, trackSheetHtml } from '../../src/session/tracksheet.ts';

const ch = (channel: number, name: string, family: string, colour: string, extra: Partial<PlanChannel> = {}) =>
  ({
    channel,
    source: name,
    line: channel,
    stage_input: channel,
    role: 'kick-in',
    family,
    confidence: 1,
    reason: 'test',
    name,
    colour,
    icon: 0,
    hpf: null,
    phantom: false,
    device: 'dynamic',
    dca: [],
    mute_groups: [],
    sends: {},
    divider: family.toUpperCase(),
    ...extra,
  }) as PlanChannel;

const plan: LayoutPlan = {
  profile: 'tiny',
  channels: [
    ch(1, 'Kick In', 'drums', 'RD', { hpf: 30, dca: [1] }),
    ch(2, 'Snare "Top"', 'drums', 'RD', { phantom: true, device: 'condenser', dca: [1, 2] }),
    ch(3, 'Bass, DI', 'bass', 'BLi'),
  ],
  unknown: [],
  warnings: ['one note & a <tag>'],
};

describe('REAPER project', () => {
  it('folders per family, names, colours and record inputs as REAPER writes them', () => {
    const red = (0x1000000 | (47 << 16) | (50 << 8) | 220).toString();
    const blue = (0x1000000 | (220 << 16) | (110 << 8) | 50).toString();
    expect(renderRpp(plan, { recordArm: true, inputOffset: 8 })).toBe(
      [
        '<REAPER_PROJECT 0.1 "7.0/linux-x86_64" 0',
        '  TITLE "tiny"',
        '  TEMPO 120 4 4',
        '  SAMPLERATE 48000 0 0',
        '  <TRACK',
        '    NAME "DRUMS"',
        `    PEAKCOL ${red}`,
        '    ISBUS 1 1',
        '  >',
        '  <TRACK',
        '    NAME "Kick In"',
        `    PEAKCOL ${red}`,
        '    ISBUS 0 0',
        '    REC 1 8 1 0 0 0 0',
        '    NCHAN 2',
        '    TRACKID {rad-ch-1}',
        '  >',
        '  <TRACK',
        `    NAME "Snare 'Top'"`,
        `    PEAKCOL ${red}`,
        '    ISBUS 2 -1',
        '    REC 1 9 1 0 0 0 0',
        '    NCHAN 2',
        '    TRACKID {rad-ch-2}',
        '  >',
        '  <TRACK',
        '    NAME "BASS"',
        `    PEAKCOL ${blue}`,
        '    ISBUS 1 1',
        '  >',
        '  <TRACK',
        '    NAME "Bass, DI"',
        `    PEAKCOL ${blue}`,
        '    ISBUS 2 -1',
        '    REC 1 10 1 0 0 0 0',
        '    NCHAN 2',
        '    TRACKID {rad-ch-3}',
        '  >',
        '>',
        '',
      ].join('\n'),
    );
  });

  it('without dividers every track is at the top level and disarmed by default', () => {
    const text = renderRpp(plan, { dividers: false, sampleRate: 96000 });
    expect(text).toContain('  SAMPLERATE 96000 0 0');
    expect(text.match(/ISBUS (\S+ \S+)/g)).toEqual(['ISBUS 0 0', 'ISBUS 0 0', 'ISBUS 0 0']);
    expect(text.match(/REC \d+ \d+/g)).toEqual(['REC 0 0', 'REC 0 1', 'REC 0 2']);
  });
});

describe('track sheet', () => {
  it('CSV: a header, one row per channel, commas and quotes quoted as RFC 4180 asks', () => {
    expect(trackSheetCsv(plan)).toBe(
      [
        'channel,name,source,stage_input,role,device,phantom,hpf,colour,dca,confidence',
        '1,Kick In,Kick In,1,kick-in,dynamic,,30,RD,1,1',
        '2,"Snare ""Top""","Snare ""Top""",2,kick-in,condenser,48V,,RD,1 2,1',
        '3,"Bass, DI","Bass, DI",3,kick-in,dynamic,,,BLi,,1',
        '',
      ].join('\n'),
    );
  });

  it('HTML: escaped names and notes, no external assets', () => {
    const html = trackSheetHtml(plan);
    expect(html).toContain('<td><b>Snare &quot;Top&quot;</b></td>');
    expect(html).toContain('<li>one note &amp; a &lt;tag&gt;</li>');
    expect(html).toContain('<tr class="c-BL">');
    expect(html).not.toMatch(/(src|href)=/);
  });
});
