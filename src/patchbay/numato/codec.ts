/** Numato Lab USB relay modules (patchbay-protocols.md §4): ASCII + CR, echo, `>` prompt. */

/** Relay index on the wire: 0–9, then A, B, … (not hex: goes up to V for 32 relays). */
export function relayChar(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 31) throw new RangeError(`relay ${n} outside 0..31`);
  return n < 10 ? String(n) : String.fromCharCode(65 + n - 10);
}

export function parseRelayChar(c: string): number | undefined {
  if (/^[0-9]$/.test(c)) return Number(c);
  if (/^[A-V]$/.test(c)) return c.charCodeAt(0) - 55;
  return undefined;
}

export const relayOn = (n: number) => `relay on ${relayChar(n)}\r`;
export const relayOff = (n: number) => `relay off ${relayChar(n)}\r`;
export const relayRead = (n: number) => `relay read ${relayChar(n)}\r`;
export const readAll = () => 'relay readall\r';

/** Board sizes take 2, 4 or 8 hex digits (8, 16, 32 relays). */
export function hexDigits(relays: number): number {
  return relays <= 8 ? 2 : relays <= 16 ? 4 : 8;
}

export const writeAll = (bits: number, relays: number) =>
  `relay writeall ${(bits >>> 0).toString(16).toUpperCase().padStart(hexDigits(relays), '0')}\r`;

export function parseBitmap(hex: string, relays: number): number | undefined {
  const t = hex.trim();
  if (!new RegExp(`^[0-9A-Fa-f]{${hexDigits(relays)}}$`).test(t)) return undefined;
  return Number.parseInt(t, 16) >>> 0;
}
