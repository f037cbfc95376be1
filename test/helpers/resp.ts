// Test-side RESP: encode commands, and split a byte stream into whole reply frames (kept as raw
// latin1 text so differential tests compare bytes exactly).

export function encodeCommand(argv: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const a of argv) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Length in bytes of the first complete frame in s (latin1) from pos, or -1 if incomplete. */
export function frameEnd(s: string, pos = 0): number {
  if (pos >= s.length) return -1;
  const nl = s.indexOf('\r\n', pos);
  if (nl < 0) return -1;
  const type = s[pos];
  const head = s.slice(pos + 1, nl);
  let p = nl + 2;
  switch (type) {
    case '+': case '-': case ':': case ',': case '#': case '_': case '(':
      return p;
    case '$': case '=': case '!': {
      const n = Number(head);
      if (n < 0) return p;
      if (s.length < p + n + 2) return -1;
      return p + n + 2;
    }
    case '*': case '~': case '>': case '%': case '|': {
      let n = Number(head);
      if (n < 0) return p;
      if (type === '%' || type === '|') n *= 2;
      for (let i = 0; i < n; i++) {
        const e = frameEnd(s, p);
        if (e < 0) return -1;
        p = e;
      }
      return p;
    }
    default:
      throw new Error(`not RESP at ${pos}: ${JSON.stringify(s.slice(pos, pos + 40))}`);
  }
}

/** Split s into complete frames; returns [frames, rest]. */
export function splitFrames(s: string): [string[], string] {
  const frames: string[] = [];
  let pos = 0;
  for (;;) {
    const e = frameEnd(s, pos);
    if (e < 0) break;
    frames.push(s.slice(pos, e));
    pos = e;
  }
  return [frames, s.slice(pos)];
}
