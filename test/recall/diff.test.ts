// The family-neutral diff (StateFormat) on states written by hand: what an engineer reads in
// `rad snapshot diff` and the mix book, per strip, in the studio's words.
import { describe, expect, it } from 'vitest';
import { modelStateFormat } from '../../src/console/model-state.ts';
import { x32StateFormat } from '../../src/console/x32/state.ts';

const H = '#4.0# "t" "" %000000000 1\n';

describe('X32 scene diff', () => {
  it('names the strip by its name and words each change; values only one side has are one summary line', () => {
    const a = `${H}/ch/03/config "Kick" 1 RD 3\n/ch/03/mix ON -10.0 ON +0 OFF -oo\n`;
    const b = `${H}/ch/03/config "Kick In" 1 RD 3\n/ch/03/mix OFF -4.0 ON +0 OFF -oo\n/ch/04/mix ON -oo ON +0 OFF -oo\n`;
    const d = x32StateFormat.diff(a, b);
    expect(d.map((s) => s.strip)).toEqual(['/ch/03', '(not in A)']);
    expect(d[0]!.text).toBe('Ch 03 Kick In: name "Kick" → "Kick In"; mute on → muted; fader -10.0 dB → -4.0 dB');
    expect(d[0]!.changes.map((c) => c.address)).toEqual(['/ch/03/config/name', '/ch/03/mix/on', '/ch/03/mix/fader']);
    expect(d[1]!.text).toBe('not in A: 6 values (an older firmware file, or nodes that console lacks); not compared');
  });

  it('the same scene twice has no differences', () => {
    const a = `${H}/ch/03/config "Kick" 1 RD 3\n/ch/03/mix ON -10.0 ON +0 OFF -oo\n`;
    expect(x32StateFormat.diff(a, a)).toEqual([]);
  });

  it('a broken file names every broken line', () => {
    expect(() => x32StateFormat.validate(`${H}/ch/03/mix ON banana\n/ch/99/mix ON -4 ON +0 OFF -oo\n`)).toThrow(
      expect.objectContaining({
        code: 'E_SCENE_INVALID',
        details: {
          problems: [
            { line: 2, reason: '/ch/03/mix/fader: "banana" is not a number' },
            { line: 3, reason: 'unknown node /ch/99/mix' },
          ],
        },
      }),
    );
  });
});

describe('SQ/Qu model diff', () => {
  const sq = modelStateFormat('sq');
  const file = (family: string, values: object) => JSON.stringify({ family, values });

  it('groups by strip, levels within 0.05 dB are the same, pans in L/R words', () => {
    const d = sq.diff(
      file('sq', { 'input/1/name': 'Kick', 'input/1/fader': -10, 'input/1/mute': false, 'input/3/fader': -6 }),
      file('sq', {
        'input/1/name': 'Kick',
        'input/1/fader': -4,
        'input/1/mute': true,
        'input/2/pan': -50,
        'input/3/fader': -6.02,
      }),
    );
    expect(d.map((s) => s.text)).toEqual([
      'Input 1 Kick: fader -10.0 dB → -4.0 dB; mute on → muted',
      'not in A: 1 values (an older firmware file, or nodes that console lacks); not compared',
    ]);
  });

  it('a file from the other family is refused with the family named', () => {
    expect(() => sq.diff(file('qu', {}), file('sq', {}))).toThrow(
      expect.objectContaining({ code: 'E_SNAPSHOT_FAMILY', message: 'the file is from a Qu, not an SQ' }),
    );
    expect(() => sq.validate('{"family":"sq","values":{"input/1/fader":{}}}')).toThrow(
      expect.objectContaining({ code: 'E_SCENE_INVALID' }),
    );
  });

  it('from a reset desk: what was set, nothing else', () => {
    const d = modelStateFormat('qu').fromInitial(
      file('qu', { 'input/1/fader': null, 'input/2/fader': 0, 'lr/mute': false }),
    );
    expect(d.map((s) => s.text)).toEqual(['Input 2: fader −oo dB → 0.0 dB']);
  });
});
