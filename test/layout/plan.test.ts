import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { deviceKind, parseInputList } from '../../src/layout/inputlist.ts';
import { fitName } from '../../src/layout/names.ts';
import { planLayout } from '../../src/layout/plan.ts';
import { validateProfile } from '../../src/layout/profile.ts';
import { parseRpp, renderRpp } from '../../src/session/rpp.ts';
import { trackSheetCsv, trackSheetHtml } from '../../src/session/tracksheet.ts';

const profile = (name: string) =>
  validateProfile(parse(readFileSync(new URL(`../../config/profiles/${name}.yaml`, import.meta.url), 'utf8')));
const ROCK_CSV = readFileSync(new URL('../../examples/input-list-rock.csv', import.meta.url), 'utf8');
const CAPS = { inputs: 32, nameLength: 12 };

describe('input lists', () => {
  it('reads CSV with loosely named headers, quotes and semicolons; plain text too', () => {
    const rows = parseInputList('CH;Instrument;Mic / DI;Notes\n1;"Kick, In";Beta 91;\n2;Snare;SM57;"tight"\n');
    expect(rows).toEqual([
      { line: 2, channel: 1, source: 'Kick, In', device: 'Beta 91' },
      { line: 3, channel: 2, source: 'Snare', device: 'SM57', notes: 'tight' },
    ]);
    expect(parseInputList('Kick\n\n# comment\n3. Snare\nBass DI\n')).toEqual([
      { line: 1, source: 'Kick' },
      { line: 4, channel: 3, source: 'Snare' },
      { line: 5, source: 'Bass DI' },
    ]);
  });

  it('names the line and reason for malformed CSV and duplicate channels', () => {
    expect(() => parseInputList('Ch,Source\n1,Kick\n1,Snare\n')).toThrow(
      expect.objectContaining({ code: 'E_INPUT_LIST_DUPLICATE', message: 'line 3: channel 1 already used on line 2' }),
    );
    expect(() => parseInputList('Ch,Source\nx,Kick\n')).toThrow(/line 2: channel "x" is not a number/);
    expect(() => parseInputList('Ch,Source\n1,"Kick\n')).toThrow(/line 2: unterminated quote/);
    expect(() => parseInputList('Ch,Source\n2,\n')).toThrow(/line 2: no source name/);
    expect(() => parseInputList('\n\n')).toThrow(expect.objectContaining({ code: 'E_INPUT_LIST_EMPTY' }));
  });

  it('knows which devices take phantom', () => {
    expect(deviceKind('U87')).toBe('condenser');
    expect(deviceKind('SM57')).toBe('dynamic');
    expect(deviceKind('R121')).toBe('ribbon');
    expect(deviceKind('Royer R-122 active ribbon')).toBe('active-ribbon');
    expect(deviceKind('DI')).toBe('passive-di');
    expect(deviceKind('Active DI')).toBe('active-di');
  });
});

describe('layout plans for the two shipped profiles', () => {
  it('rock-standard: standard locations, fill from 19, colours and DCAs by family, phantom from the device', () => {
    const plan = planLayout(parseInputList(ROCK_CSV), profile('rock-standard'), CAPS);
    const at = (ch: number) => plan.channels.find((c) => c.channel === ch)!;
    expect(at(1)).toMatchObject({ role: 'kick-in', name: 'Kick In', colour: 'RD', icon: 2, dca: [1], phantom: false });
    expect(at(12)).toMatchObject({ role: 'overhead-l', phantom: true, hpf: 120 });
    expect(at(17)).toMatchObject({ role: 'bass-di', phantom: true }); // active DI
    expect(at(25)).toMatchObject({ role: 'vocal-lead', colour: 'CY', sends: { '1': -10 } });
    expect(at(20)).toMatchObject({ source: 'Gtr 2 Royer', phantom: false }); // ribbon
    expect(plan.unknown).toEqual([{ line: 26, source: 'Theremin', channel: 28 }]);
    expect(plan.channels).toHaveLength(25);
    expect(plan.channels.every((c) => c.name.length <= 12)).toBe(true);
  });

  it('jazz-live: vocals first, source names upper-cased and cut to 12, gaps between families', () => {
    const plan = planLayout(parseInputList(ROCK_CSV), profile('jazz-live'), CAPS);
    const at = (ch: number) => plan.channels.find((c) => c.channel === ch)!;
    expect(at(1)).toMatchObject({ role: 'vocal-lead', name: 'LD VOX' });
    expect(at(7)).toMatchObject({ role: 'bass-di' });
    expect(plan.channels.find((c) => c.source === 'Bass Amp (SM7)')!.name).toBe('BASS AMP SM7');
  });

  it('refuses phantom on a ribbon or a passive DI, naming the channel', () => {
    const p = profile('jazz-live'); // forces phantom on the overheads
    expect(() => planLayout(parseInputList('Ch,Source,Mic\n1,OH L,R121\n2,OH R,R121\n'), p, CAPS)).toThrow(
      expect.objectContaining({ code: 'E_LAYOUT_PHANTOM', message: expect.stringContaining('channel 14 (OH L)') }),
    );
  });

  it('refuses more sources than channels, naming the overflow', () => {
    const many = Array.from({ length: 34 }, (_, i) => `Perc ${i + 1}`).join('\n');
    expect(() => planLayout(parseInputList(many), profile('rock-standard'), CAPS)).toThrow(
      expect.objectContaining({ code: 'E_LAYOUT_OVERFLOW', message: expect.stringContaining('Perc 34') }),
    );
  });

  it('cuts names smartly to the console limit', () => {
    expect(fitName('Acoustic Guitar 2', 12)).toBe('Ac Gtr 2');
    expect(fitName('Backing Vocal 3', 12)).toBe('Bk Vox 3');
    expect(fitName('Supercalifragilistic', 12).length).toBeLessThanOrEqual(12);
  });
});

describe('DAW session template', () => {
  it('writes a REAPER project whose tracks, folders, names and record inputs parse back', () => {
    const plan = planLayout(parseInputList(ROCK_CSV), profile('rock-standard'), CAPS);
    const rpp = renderRpp(plan, { dividers: true, recordArm: true });
    const tracks = parseRpp(rpp);
    const folders = tracks.filter((t) => t.folder);
    const audio = tracks.filter((t) => !t.folder);
    expect(audio).toHaveLength(25);
    expect(folders.map((f) => f.name)).toContain('DRUMS');
    expect(audio[0]).toMatchObject({ name: 'Kick In', depth: 1, recInput: 0, armed: true });
    expect(audio.find((t) => t.name === 'Lead Vox')).toMatchObject({ recInput: 24 });
    const flat = parseRpp(renderRpp(plan, { dividers: false }));
    expect(flat.every((t) => !t.folder && t.depth === 0)).toBe(true);
  });

  it('writes a track sheet as CSV and self-contained HTML', () => {
    const plan = planLayout(parseInputList(ROCK_CSV), profile('rock-standard'), CAPS);
    const csv = trackSheetCsv(plan).trim().split('\n');
    expect(csv).toHaveLength(26);
    expect(csv[1]).toBe('1,Kick In,Kik In,1,kick-in,dynamic,,30,RD,1,1');
    const html = trackSheetHtml(plan);
    expect(html).toContain('<td><b>Lead Vox</b></td>');
    expect(html).not.toMatch(/<(script|link)\b/);
  });
});
