/**
 * Where the X32 test oscillator goes (x32-osc.md: /config/osc/dest 0–25): 0–15 mix bus 1–16,
 * 16 L, 17 R, 18 L+R, 19 M/C, 20–25 matrix 1–6. Points are named as in the wiring:
 * `bus:N`, `main:L|R|M`, `mtx:N` after the console id.
 */
export function oscDestPoints(dest: number): string[] {
  if (dest >= 0 && dest <= 15) return [`bus:${dest + 1}`];
  if (dest === 16) return ['main:L'];
  if (dest === 17) return ['main:R'];
  if (dest === 18) return ['main:L', 'main:R'];
  if (dest === 19) return ['main:M'];
  if (dest >= 20 && dest <= 25) return [`mtx:${dest - 19}`];
  return [];
}

/** The destination that sends the oscillator to exactly this point, or undefined. */
export function oscDestFor(point: string): number | undefined {
  for (let d = 0; d <= 25; d++) {
    const p = oscDestPoints(d);
    if (p.length === 1 && p[0] === point) return d;
  }
  return undefined;
}
