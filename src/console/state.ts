import type { ConsoleFamily } from './model.ts';

export type LeafChange = { address: string; what: string; from: string; to: string };
/** One strip's differences, worded for people: `Ch 03 Kick: fader −10.0 dB → −4.0 dB`. */
export type StripDiff = { strip: string; label: string; changes: LeafChange[]; text: string };

/**
 * A console family's state as a file: the X32's scene text, an SQ/Qu key/value model. Pure: a
 * snapshot taken from one console can be validated and diffed with no console connected.
 */
/** One line per side for values the other side does not have, instead of hundreds of `? → x`. */
export function absentSummary(onlyInB: number, onlyInA: number): StripDiff[] {
  const line = (side: 'A' | 'B', n: number): StripDiff => ({
    strip: `(not in ${side})`,
    label: `Not in ${side}`,
    changes: [],
    text: `not in ${side}: ${n} values (an older firmware file, or nodes that console lacks); not compared`,
  });
  return [...(onlyInB ? [line('A', onlyInB)] : []), ...(onlyInA ? [line('B', onlyInA)] : [])];
}

export interface StateFormat {
  readonly family: ConsoleFamily;
  /** MIME type of the exported file. */
  readonly mime: string;
  /** Throws E_SCENE_INVALID naming the broken lines or rows. */
  validate(text: string): void;
  diff(a: string, b: string): StripDiff[];
  /** What differs from an initialised console (the mix book's recall page). */
  fromInitial(text: string): StripDiff[];
}
