// Own streaming WAV reader/writer: `wavefile` parses whole files in memory; an hour-long
// multitrack must stream in blocks (and we need BWF chunks copied through untouched).
import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type ErrorCode, RadError } from '../../core/errors.ts';

export type SampleFormat = 'int16' | 'int24' | 'int32' | 'float32';
export type WavInfo = {
  sampleRate: number;
  channels: number;
  format: SampleFormat;
  frames: number;
  dataOffset: number;
  extraChunks: Array<{ id: string; data: Buffer }>;
};

const bad = (code: ErrorCode, file: string, why: string) =>
  new RadError(code, `${file}: ${why}`, { details: { file } });
const bytesOf = (f: SampleFormat) => (f === 'int16' ? 2 : f === 'int24' ? 3 : 4);

/** Reads the header: RIFF/WAVE, fmt (PCM, float, extensible), data; other chunks (bext, iXML…) kept. */
export function readWavInfo(path: string): WavInfo {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw bad('E_WAV_OPEN', path, `cannot open (${(e as NodeJS.ErrnoException).code})`);
  }
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(12);
    if (size < 12 || readSync(fd, head, 0, 12, 0) < 12) throw bad('E_WAV_NOT_WAV', path, 'too short to be a WAV file');
    const magic = head.toString('ascii', 0, 4);
    // RF64 (EBU Tech 3306): a WAV over 4 GB, its sizes in a ds64 chunk
    if ((magic !== 'RIFF' && magic !== 'RF64') || head.toString('ascii', 8, 12) !== 'WAVE')
      throw bad('E_WAV_NOT_WAV', path, 'not a RIFF/WAVE (or RF64) file');
    let ds64Data: number | undefined;
    let pos = 12;
    let fmt: { format: SampleFormat; channels: number; sampleRate: number } | undefined;
    const extra: WavInfo['extraChunks'] = [];
    const ch = Buffer.alloc(8);
    while (pos + 8 <= size) {
      readSync(fd, ch, 0, 8, pos);
      const id = ch.toString('ascii', 0, 4);
      let len = ch.readUInt32LE(4);
      const body = pos + 8;
      if (id === 'ds64' && magic === 'RF64' && len >= 24) {
        const b = Buffer.alloc(24);
        readSync(fd, b, 0, 24, body);
        ds64Data = b.readUInt32LE(8) + b.readUInt32LE(12) * 2 ** 32;
      } else if (id === 'data' && magic === 'RF64' && len === 0xffffffff) {
        if (ds64Data === undefined) throw bad('E_WAV_HEADER', path, 'RF64 without a ds64 chunk before its data');
        len = ds64Data;
      }
      if (id === 'fmt ') {
        if (len < 16) throw bad('E_WAV_HEADER', path, `fmt chunk of ${len} bytes`);
        const b = Buffer.alloc(Math.min(len, 40));
        readSync(fd, b, 0, b.length, body);
        let tag = b.readUInt16LE(0);
        const channels = b.readUInt16LE(2);
        const sampleRate = b.readUInt32LE(4);
        const bits = b.readUInt16LE(14);
        if (tag === 0xfffe && b.length >= 26) tag = b.readUInt16LE(24); // WAVE_FORMAT_EXTENSIBLE: the sub-format GUID starts with the tag
        const format: SampleFormat | undefined =
          tag === 1
            ? bits === 16
              ? 'int16'
              : bits === 24
                ? 'int24'
                : bits === 32
                  ? 'int32'
                  : undefined
            : tag === 3 && bits === 32
              ? 'float32'
              : undefined;
        if (!format)
          throw bad(
            'E_WAV_FORMAT',
            path,
            `unsupported sample format (tag ${tag}, ${bits} bits); 16/24/32-bit PCM or 32-bit float`,
          );
        if (channels < 1 || channels > 256) throw bad('E_WAV_HEADER', path, `${channels} channels`);
        if (sampleRate < 1000 || sampleRate > 768000) throw bad('E_WAV_HEADER', path, `sample rate ${sampleRate}`);
        fmt = { format, channels, sampleRate };
      } else if (id === 'data') {
        if (!fmt) throw bad('E_WAV_HEADER', path, 'data chunk before fmt chunk');
        const frameBytes = bytesOf(fmt.format) * fmt.channels;
        const available = size - body;
        if (len > available)
          throw bad(
            'E_WAV_TRUNCATED',
            path,
            `header promises ${len} bytes of audio, the file holds ${available} (truncated or lying header)`,
          );
        const frames = Math.floor(len / frameBytes);
        if (frames === 0) throw bad('E_WAV_EMPTY', path, 'no audio in the data chunk');
        return { ...fmt, frames, dataOffset: body, extraChunks: extra };
      } else if (len <= 16 * 1024 * 1024 && body + len <= size) {
        const data = Buffer.alloc(len);
        readSync(fd, data, 0, len, body);
        // sizes and placeholders are the writer's own business, not metadata to carry over
        if (id !== 'fact' && id !== 'JUNK' && id !== 'ds64') extra.push({ id, data });
      }
      pos = body + len + (len & 1);
    }
    throw bad('E_WAV_HEADER', path, fmt ? 'no data chunk' : 'no fmt chunk');
  } finally {
    closeSync(fd);
  }
}

/** Block reader: `read(n)` returns up to n frames as one Float32Array per channel (−1..1). */
export class WavReader {
  private fd: number;
  private frame = 0;
  private buf = Buffer.alloc(0);

  constructor(
    readonly path: string,
    readonly info: WavInfo = readWavInfo(path),
  ) {
    this.fd = openSync(path, 'r');
  }

  get position(): number {
    return this.frame;
  }

  read(maxFrames: number): Float32Array[] | null {
    const { channels, format, frames, dataOffset } = this.info;
    const n = Math.min(maxFrames, frames - this.frame);
    if (n <= 0) return null;
    const bps = bytesOf(format);
    const bytes = n * bps * channels;
    if (this.buf.length < bytes) this.buf = Buffer.alloc(bytes);
    const got = readSync(this.fd, this.buf, 0, bytes, dataOffset + this.frame * bps * channels);
    if (got < bytes)
      throw bad(
        'E_WAV_TRUNCATED',
        this.path,
        `file ended early at frame ${this.frame + Math.floor(got / (bps * channels))}`,
      );
    const out = Array.from({ length: channels }, () => new Float32Array(n));
    const b = this.buf;
    // fast paths: typed views over the block (little-endian host, aligned copy)
    if (format === 'int16' || format === 'float32') {
      const view =
        format === 'int16'
          ? new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + bytes))
          : new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + bytes));
      const scale = format === 'int16' ? 1 / 32768 : 1;
      for (let c = 0; c < channels; c++) {
        const dst = out[c]!;
        for (let i = 0, k = c; i < n; i++, k += channels) dst[i] = view[k]! * scale;
      }
      this.frame += n;
      return out;
    }
    let o = 0;
    for (let i = 0; i < n; i++)
      for (let c = 0; c < channels; c++) {
        out[c]![i] = format === 'int24' ? b.readIntLE(o, 3) / 8388608 : b.readInt32LE(o) / 2147483648;
        o += bps;
      }
    this.frame += n;
    return out;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * Block writer to a temp file beside the target; `close()` patches the sizes, fsyncs and renames,
 * so a crash never leaves half a WAV under the final name. Extra chunks (bext…) are written first.
 */
export class WavWriter {
  private fd: number;
  private readonly tmp: string;
  private frames = 0;
  private clipped = 0;
  private peak = 0;
  private dataSizePos = 0;
  /** Where the fact chunk's frame count goes (float files only), else 0. */
  private factPos = 0;
  private riffEnd = 0;

  constructor(
    readonly path: string,
    readonly spec: {
      sampleRate: number;
      channels: number;
      format: SampleFormat;
      extraChunks?: WavInfo['extraChunks'];
      /** Sizes over this many bytes make the file RF64 at close (default: what a RIFF size field holds). */
      rf64Above?: number;
    },
  ) {
    this.tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
    try {
      this.fd = openSync(this.tmp, 'w');
    } catch (e) {
      throw new RadError('E_OUTPUT_UNWRITABLE', `cannot write ${path} (${(e as NodeJS.ErrnoException).code})`, {
        details: { file: path },
      });
    }
    const { channels, sampleRate, format } = spec;
    const bps = bytesOf(format);
    const parts: Buffer[] = [];
    // PCM: the 16-byte PCMWAVEFORMAT. IEEE float is not PCM, so (Microsoft's WAVE rules; sox warns
    // otherwise) its fmt is an 18-byte WAVEFORMATEX with cbSize 0, and a fact chunk holds the frames
    const float = format === 'float32';
    const fmt = Buffer.alloc(float ? 26 : 24);
    fmt.write('fmt ', 0, 'ascii');
    fmt.writeUInt32LE(float ? 18 : 16, 4);
    fmt.writeUInt16LE(float ? 3 : 1, 8);
    fmt.writeUInt16LE(channels, 10);
    fmt.writeUInt32LE(sampleRate, 12);
    fmt.writeUInt32LE(sampleRate * bps * channels, 16);
    fmt.writeUInt16LE(bps * channels, 20);
    fmt.writeUInt16LE(bps * 8, 22);
    parts.push(fmt);
    if (float) parts.push(Buffer.from('fact\x04\0\0\0\0\0\0\0', 'latin1'));
    for (const c of spec.extraChunks ?? []) {
      const h = Buffer.alloc(8);
      h.write(c.id.padEnd(4).slice(0, 4), 0, 'ascii');
      h.writeUInt32LE(c.data.length, 4);
      parts.push(h, c.data, ...(c.data.length & 1 ? [Buffer.alloc(1)] : []));
    }
    // a JUNK chunk the size of a ds64 chunk: if the audio outgrows 4 GB it becomes one (EBU Tech 3306)
    const junk = Buffer.alloc(8 + 28);
    junk.write('JUNK', 0, 'ascii');
    junk.writeUInt32LE(28, 4);
    const header = Buffer.concat([
      Buffer.from('RIFF\0\0\0\0WAVE', 'latin1'),
      junk,
      ...parts,
      Buffer.from('data\0\0\0\0', 'latin1'),
    ]);
    this.dataSizePos = header.length - 4;
    if (float) this.factPos = 12 + junk.length + fmt.length + 8; // RIFF….WAVE, JUNK, fmt, then fact's count
    writeSync(this.fd, header);
    this.riffEnd = header.length;
  }

  write(block: Float32Array[]): void {
    const { channels, format } = this.spec;
    const n = block[0]?.length ?? 0;
    const bps = bytesOf(format);
    const out = Buffer.alloc(n * bps * channels);
    let o = 0;
    for (let i = 0; i < n; i++)
      for (let c = 0; c < channels; c++) {
        const v = block[c]![i]!;
        const a = Math.abs(v);
        if (a > this.peak) this.peak = a;
        if (a >= 1) this.clipped++; // at or over full scale (a float file keeps it; integer files clip it)
        if (format === 'float32') out.writeFloatLE(v, o);
        else {
          const x = Math.max(-1, Math.min(1, v));
          if (format === 'int16') out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(x * 32768))), o);
          else if (format === 'int24')
            out.writeIntLE(Math.max(-8388608, Math.min(8388607, Math.round(x * 8388608))), o, 3);
          else out.writeInt32LE(Math.max(-2147483648, Math.min(2147483647, Math.round(x * 2147483648))), o);
        }
        o += bps;
      }
    let off = 0;
    while (off < out.length) off += writeSync(this.fd, out, off, out.length - off);
    this.frames += n;
    this.riffEnd += out.length;
  }

  /** Finishes the file; returns frames written, the sample peak (dBFS) and clipped samples. */
  close(): { frames: number; peak_dbfs: number; clipped_samples: number } {
    const dataBytes = this.frames * bytesOf(this.spec.format) * this.spec.channels;
    if (dataBytes & 1) writeSync(this.fd, Buffer.alloc(1));
    const riffSize = this.riffEnd + (dataBytes & 1) - 8;
    const sizes = Buffer.alloc(4);
    if (riffSize > (this.spec.rf64Above ?? 0xffffffff)) {
      // RF64: the 32-bit sizes say "see ds64", the JUNK chunk becomes ds64 with the 64-bit sizes
      writeSync(this.fd, Buffer.from('RF64', 'latin1'), 0, 4, 0);
      sizes.writeUInt32LE(0xffffffff, 0);
      writeSync(this.fd, sizes, 0, 4, 4);
      writeSync(this.fd, sizes, 0, 4, this.dataSizePos);
      const ds64 = Buffer.alloc(8 + 28);
      ds64.write('ds64', 0, 'ascii');
      ds64.writeUInt32LE(28, 4);
      const u64 = (v: number, at: number) => {
        ds64.writeUInt32LE(v % 2 ** 32, at);
        ds64.writeUInt32LE(Math.floor(v / 2 ** 32), at + 4);
      };
      u64(riffSize, 8);
      u64(dataBytes, 16);
      u64(this.frames, 24);
      ds64.writeUInt32LE(0, 32); // no table
      writeSync(this.fd, ds64, 0, ds64.length, 12);
    } else {
      sizes.writeUInt32LE(riffSize, 0);
      writeSync(this.fd, sizes, 0, 4, 4);
      sizes.writeUInt32LE(dataBytes, 0);
      writeSync(this.fd, sizes, 0, 4, this.dataSizePos);
    }
    if (this.factPos) {
      // RF64 keeps the real count in ds64 (sampleCount) and says "see ds64" here
      sizes.writeUInt32LE(riffSize > (this.spec.rf64Above ?? 0xffffffff) ? 0xffffffff : this.frames, 0);
      writeSync(this.fd, sizes, 0, 4, this.factPos);
    }
    fsyncSync(this.fd);
    closeSync(this.fd);
    renameSync(this.tmp, this.path);
    return {
      frames: this.frames,
      peak_dbfs: this.peak > 0 ? Math.round(2000 * Math.log10(this.peak)) / 100 : Number.NEGATIVE_INFINITY,
      clipped_samples: this.clipped,
    };
  }

  abort(): void {
    try {
      closeSync(this.fd);
    } catch {}
    try {
      unlinkSync(this.tmp);
    } catch {}
  }
}
