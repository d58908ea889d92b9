// Own OSC 1.0 codec: osc.js rejects what the X32 really sends and accepts (the `node` reply
// address without a slash, requests without a type-tag string), and the X32 needs only i/f/s/b.

export type OscArg =
  | { type: 'i'; value: number }
  | { type: 'f'; value: number }
  | { type: 's'; value: string }
  | { type: 'b'; value: Buffer };
export type OscMessage = { address: string; args: OscArg[] };

export class OscDecodeError extends Error {
  readonly code = 'E_OSC_MALFORMED';
}

const pad4 = (n: number) => (n + 3) & ~3;

function strSize(s: string): number {
  return pad4(Buffer.byteLength(s, 'utf8') + 1);
}

export function encodeMessage(address: string, args: readonly OscArg[] = [], withTypeTags = true): Buffer {
  let size = strSize(address);
  let tags = ',';
  for (const a of args) {
    tags += a.type;
    if (a.type === 'i' || a.type === 'f') size += 4;
    else if (a.type === 's') size += strSize(a.value);
    else size += 4 + pad4(a.value.length);
  }
  if (withTypeTags || args.length > 0) size += strSize(tags);
  const buf = Buffer.alloc(size);
  let off = buf.write(address, 0, 'utf8');
  off = pad4(off + 1);
  if (withTypeTags || args.length > 0) {
    buf.write(tags, off, 'ascii');
    off = pad4(off + tags.length + 1);
  }
  for (const a of args) {
    switch (a.type) {
      case 'i':
        buf.writeInt32BE(a.value | 0, off);
        off += 4;
        break;
      case 'f':
        buf.writeFloatBE(a.value, off);
        off += 4;
        break;
      case 's':
        off = pad4(off + buf.write(a.value, off, 'utf8') + 1);
        break;
      case 'b':
        buf.writeInt32BE(a.value.length, off);
        a.value.copy(buf, off + 4);
        off += 4 + pad4(a.value.length);
        break;
    }
  }
  return buf;
}

function readString(buf: Buffer, off: number): [string, number] {
  const end = buf.indexOf(0, off);
  if (end < 0) throw new OscDecodeError(`unterminated string at byte ${off}`);
  const next = pad4(end + 1);
  if (next > buf.length) throw new OscDecodeError(`string padding runs past the packet at byte ${off}`);
  return [buf.toString('utf8', off, end), next];
}

/** Decodes one OSC message. A missing type-tag string means no arguments (the X32 accepts that). */
export function decodeMessage(buf: Buffer): OscMessage {
  if (buf.length < 4 || buf.length % 4 !== 0)
    throw new OscDecodeError(`packet length ${buf.length} is not a positive multiple of 4`);
  if (buf[0] === 0x23) throw new OscDecodeError('OSC bundles are not supported');
  const [address, afterAddr] = readString(buf, 0);
  if (address.length === 0) throw new OscDecodeError('empty address');
  if (afterAddr >= buf.length) return { address, args: [] };
  if (buf[afterAddr] !== 0x2c) throw new OscDecodeError(`type-tag string must start with ',' (byte ${afterAddr})`);
  const [tags, afterTags] = readString(buf, afterAddr);
  let off = afterTags;
  const args: OscArg[] = [];
  for (let i = 1; i < tags.length; i++) {
    const t = tags[i];
    if (t === 'i' || t === 'f') {
      if (off + 4 > buf.length) throw new OscDecodeError(`argument ${i} runs past the packet`);
      args.push(t === 'i' ? { type: 'i', value: buf.readInt32BE(off) } : { type: 'f', value: buf.readFloatBE(off) });
      off += 4;
    } else if (t === 's') {
      const [s, next] = readString(buf, off);
      args.push({ type: 's', value: s });
      off = next;
    } else if (t === 'b') {
      if (off + 4 > buf.length) throw new OscDecodeError(`blob ${i} size runs past the packet`);
      const n = buf.readInt32BE(off);
      if (n < 0 || off + 4 + n > buf.length) throw new OscDecodeError(`blob ${i} of ${n} bytes runs past the packet`);
      args.push({ type: 'b', value: Buffer.from(buf.subarray(off + 4, off + 4 + n)) });
      off += 4 + pad4(n);
    } else {
      throw new OscDecodeError(`unsupported type tag '${t}'`);
    }
  }
  return { address, args };
}

export const oscInt = (value: number): OscArg => ({ type: 'i', value });
export const oscFloat = (value: number): OscArg => ({ type: 'f', value });
export const oscString = (value: string): OscArg => ({ type: 's', value });
