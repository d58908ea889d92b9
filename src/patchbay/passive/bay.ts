import type { BaySettings, CordSettings } from '../../settings/schema.ts';

export type NormalMode = 'full' | 'half' | 'isolated' | 'parallel';

/**
 * A passive patchbay: each point is a top jack (the source's send) over a bottom jack (the
 * destination's return), joined by its normalling mode unless a cord breaks it
 * (patchbay-protocols.md §5). Passive bays cannot be read back: cords are declared.
 */
export class PassiveBay {
  constructor(readonly settings: BaySettings) {}

  get id(): string {
    return this.settings.id;
  }

  mode(point: number): NormalMode {
    return this.settings.modes?.[String(point)] ?? this.settings.normal ?? 'half';
  }

  /**
   * The internal edges of the bay given the cords plugged in: top→bottom for a closed normal,
   * both ways for a parallel point.
   */
  edges(cords: CordSettings[]): Array<{ from: string; to: string; why: string }> {
    const plugged = new Set<string>();
    for (const c of cords) for (const e of [c.a, c.b]) if (e.startsWith(`${this.id}:`)) plugged.add(e);
    const out: Array<{ from: string; to: string; why: string }> = [];
    for (let p = 1; p <= this.settings.points; p++) {
      const top = `${this.id}:top:${p}`;
      const bottom = `${this.id}:bottom:${p}`;
      const mode = this.mode(p);
      const closed =
        mode === 'parallel' ||
        (mode === 'full' && !plugged.has(top) && !plugged.has(bottom)) ||
        (mode === 'half' && !plugged.has(bottom));
      if (!closed) continue;
      out.push({ from: top, to: bottom, why: `${this.id} point ${p} ${mode}-normal` });
      if (mode === 'parallel') out.push({ from: bottom, to: top, why: `${this.id} point ${p} parallel` });
    }
    return out;
  }
}
