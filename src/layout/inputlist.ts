import { fail } from '../core/errors.ts';

/** One line of the band's input list. */
export type InputRow = {
  line: number;
  channel?: number;
  source: string;
  device?: string;
  notes?: string;
  stand?: string;
};

/** Splits one CSV line (RFC 4180 quoting, comma or semicolon or tab). */
export function splitCsvLine(line: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"' && cur.trim() === '') q = true;
    else if (c === sep) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (q) throw new Error('unterminated quote');
  out.push(cur.trim());
  return out;
}

const HEADERS: Record<'channel' | 'source' | 'device' | 'notes' | 'stand', RegExp> = {
  channel: /^(ch(an(nel)?)?|#|no\.?|input|in|line|num(ber)?)$/i,
  source: /^(source|instrument|inst|name|description|desc|what|signal|label)$/i,
  device: /^(mic(\/di)?|mic ?\/ ?di|di|microphone|device|mic\/line|type)$/i,
  notes: /^(notes?|comments?|remarks?|insert|phantom|48v|ph)$/i,
  stand: /^(stand|stands|clip)$/i,
};

/**
 * Parses an input list: CSV with a header row (columns matched loosely: "Ch", "Instrument",
 * "Mic/DI", "Notes"…) or plain text with one source per line. Errors name the line and reason;
 * duplicate channel numbers are refused.
 */
export function parseInputList(text: string): InputRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const nonEmpty = lines
    .map((l, i) => ({ l, n: i + 1 }))
    .filter((x) => x.l.trim() !== '' && !x.l.trim().startsWith('#'));
  if (nonEmpty.length === 0) throw fail('E_INPUT_LIST_EMPTY', 'the input list has no sources');
  const first = nonEmpty[0]!.l;
  const sep = first.includes('\t') ? '\t' : first.split(';').length > first.split(',').length ? ';' : ',';
  const headerCells = splitCsvLine(first, sep);
  const col: Partial<Record<keyof typeof HEADERS, number>> = {};
  headerCells.forEach((h, i) => {
    for (const [k, re] of Object.entries(HEADERS) as Array<[keyof typeof HEADERS, RegExp]>)
      if (col[k] === undefined && re.test(h.trim())) col[k] = i;
  });
  const rows: InputRow[] = [];
  const seen = new Map<number, number>();
  if (col.source === undefined) {
    if (headerCells.length > 1 && col.channel !== undefined)
      throw fail(
        'E_INPUT_LIST_HEADER',
        `line ${nonEmpty[0]!.n}: no source/instrument column in ${JSON.stringify(first)}`,
      );
    // plain text: one source per line, optionally "3 Snare Top" or "3. Snare Top"
    for (const { l, n } of nonEmpty) {
      const m = /^\s*(\d{1,3})[.):\s-]+(.+)$/.exec(l);
      const row: InputRow = m
        ? { line: n, channel: Number(m[1]), source: m[2]!.trim() }
        : { line: n, source: l.trim() };
      check(row, seen);
      rows.push(row);
    }
    return rows;
  }
  for (const { l, n } of nonEmpty.slice(1)) {
    let cells: string[];
    try {
      cells = splitCsvLine(l, sep);
    } catch (e) {
      throw fail('E_INPUT_LIST_CSV', `line ${n}: ${(e as Error).message}`, { line: n });
    }
    const get = (k: keyof typeof HEADERS) => (col[k] === undefined ? undefined : cells[col[k]!]?.trim() || undefined);
    const source = get('source');
    if (!source) throw fail('E_INPUT_LIST_CSV', `line ${n}: no source name`, { line: n });
    const chText = get('channel');
    let channel: number | undefined;
    if (chText !== undefined) {
      if (!/^\d{1,3}$/.test(chText))
        throw fail('E_INPUT_LIST_CSV', `line ${n}: channel ${JSON.stringify(chText)} is not a number`, {
          line: n,
        });
      channel = Number(chText);
    }
    const row: InputRow = {
      line: n,
      source,
      ...(channel !== undefined ? { channel } : {}),
      ...(get('device') ? { device: get('device') } : {}),
      ...(get('notes') ? { notes: get('notes') } : {}),
    };
    check(row, seen);
    rows.push(row);
  }
  if (rows.length === 0) throw fail('E_INPUT_LIST_EMPTY', 'the input list has a header but no sources');
  return rows;
}

function check(row: InputRow, seen: Map<number, number>): void {
  if (row.channel === undefined) return;
  if (row.channel < 1)
    throw fail('E_INPUT_LIST_CSV', `line ${row.line}: channel ${row.channel} must be 1 or more`, {
      line: row.line,
    });
  const prev = seen.get(row.channel);
  if (prev !== undefined)
    throw fail('E_INPUT_LIST_DUPLICATE', `line ${row.line}: channel ${row.channel} already used on line ${prev}`, {
      line: row.line,
      channel: row.channel,
    });
  seen.set(row.channel, row.line);
}

export type DeviceKind =
  | 'dynamic'
  | 'condenser'
  | 'ribbon'
  | 'active-ribbon'
  | 'passive-di'
  | 'active-di'
  | 'line'
  | 'unknown';

/** What the Mic/DI column says about phantom power. */
export function deviceKind(device: string | undefined): DeviceKind {
  if (!device) return 'unknown';
  const d = device.toLowerCase();
  if (/active\s*ribbon|r-?122|aea\s*n|4040|ksm313/.test(d)) return 'active-ribbon';
  if (/ribbon|r-?121|royer|m-?160|4038|r-?84|r-?92|beyer\s*m|m-?130|aea|coles/.test(d)) return 'ribbon';
  if (/active\s*di|di\s*\(active\)|ar-?133|countryman|j48|bss|adi|radial j48|a-di|pro48/.test(d)) return 'active-di';
  if (/\bdi\b|di box|jdi|passive|direct/.test(d)) return 'passive-di';
  if (/line|xlr out|aux|usb|playback|laptop|interface/.test(d)) return 'line';
  if (
    /u-?47|u-?87|u-?67|km-?18\d|c-?414|c-?451|at-?40\d\d|tlm|ksm-?32|ksm-?44|c-?214|nt-?[15]|e-?614|sm-?81|cmc|condenser|c414|m-?149|ak-?g\s*c|sennheiser\s*mkh|mkh|414|87|184|451|4050|4033/.test(
      d,
    )
  )
    return 'condenser';
  if (
    /sm-?57|sm-?58|sm-?7|md-?421|e-?60\d|e-?90\d|beta|d-?112|d-?6|re-?20|m-?88|i-?5|m-?201|pr-?\d|e-?835|e-?945|dynamic|421|57|58/.test(
      d,
    )
  )
    return 'dynamic';
  return 'unknown';
}
