const ABBREV: Array<[RegExp, string]> = [
  [/\bguitars?\b/gi, 'Gtr'],
  [/\bacoustic\b/gi, 'Ac'],
  [/\belectric\b/gi, 'El'],
  [/\bvocals?\b/gi, 'Vox'],
  [/\bbacking\b/gi, 'Bk'],
  [/\boverheads?\b/gi, 'OH'],
  [/\bbottom\b/gi, 'Btm'],
  [/\bkeyboards?\b/gi, 'Keys'],
  [/\bleft\b/gi, 'L'],
  [/\bright\b/gi, 'R'],
  [/\bpercussion\b/gi, 'Perc'],
  [/\btalkback\b/gi, 'TB'],
  [/\bplayback\b/gi, 'PB'],
  [/\btrumpet\b/gi, 'Tpt'],
  [/\btrombone\b/gi, 'Tbn'],
  [/\bsaxophone\b/gi, 'Sax'],
  [/\bsnare\b/gi, 'Sn'],
  [/\bfloor\b/gi, 'Flr'],
  [/\brack\b/gi, 'Rck'],
];

/** Fits a name to the console's limit the way an assistant would: abbreviate, drop vowels, then cut. */
export function fitName(name: string, max: number): string {
  let n = name.replace(/\s+/g, ' ').trim();
  if (n.length <= max) return n;
  for (const [re, short] of ABBREV) {
    n = n.replace(re, short);
    if (n.length <= max) return n;
  }
  n = n.replace(/[()[\]]/g, '').replace(/\s+/g, ' ');
  if (n.length <= max) return n;
  // drop inner vowels of the longest word, keeping its first letter
  const words = n.split(' ');
  for (;;) {
    const i = words.reduce((best, w, j) => (w.length > words[best]!.length ? j : best), 0);
    const w = words[i]!;
    const squeezed = w[0] + w.slice(1).replace(/[aeiou]/gi, '');
    if (squeezed === w) break;
    words[i] = squeezed;
    n = words.join(' ');
    if (n.length <= max) return n;
  }
  return n.slice(0, max).trimEnd();
}

export function styleName(name: string, style: 'title' | 'upper' | 'lower' | 'as-is' = 'as-is'): string {
  if (style === 'upper') return name.toUpperCase();
  if (style === 'lower') return name.toLowerCase();
  if (style === 'title') return name.replace(/\b([a-z])/g, (c) => c.toUpperCase());
  return name;
}
