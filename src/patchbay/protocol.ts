import type { LineIo } from '../drivers/lines.ts';
import type { RouterCaps, Tie } from './model.ts';

/** One routing protocol (Extron SIS, Kramer P3000, Videohub, Numato relays) over a line stream. */
export interface PatchProtocol {
  readonly name: string;
  readonly prompts: string[];
  caps(inputs: number, outputs: number): RouterCaps;
  /** Handshake on a fresh connection (banner, password, verbose mode). */
  attach(io: LineIo, opts: { password?: string; timeoutMs: number }): Promise<void>;
  /** Sends ties; resolves when the device acknowledged them (or rejects with its error). */
  route(io: LineIo, ties: Tie[], opts: { atomic: boolean; timeoutMs: number }): Promise<void>;
  readAll(io: LineIo, outputs: number, timeoutMs: number): Promise<Array<number | null>>;
  /**
   * Follows ties the device announces on its own (front panel, other clients). `onChanged`: the
   * device said the map changed without saying how (an Extron `Qik` or `Rpr` line): read it again.
   */
  watch?(io: LineIo, onTies: (ties: Tie[]) => void, onChanged?: () => void): void;
  savePreset?(io: LineIo, n: number, timeoutMs: number): Promise<void>;
  recallPreset?(io: LineIo, n: number, timeoutMs: number): Promise<void>;
}
