// Shared by the fuzzers: a seedable random source, a strict RESP frame checker, and a RESP reader
// into values (for COMMAND's table).

import { frameEnd } from '../helpers/resp.js';

/** mulberry32: small, seedable, good enough to pick mutations. */
export function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * n | 0;
  };
}

/** Walk one frame with frameEnd's framing and check each header's syntax; returns its end. */
export function checkFrame(s: string, pos: number): number {
  const end = frameEnd(s, pos);
  if (end < 0) throw new Error(`incomplete frame at ${pos}: ${JSON.stringify(s.slice(pos, pos + 80))}`);
  const nl = s.indexOf('\r\n', pos);
  const type = s[pos];
  const head = s.slice(pos + 1, nl);
  const bad = () => new Error(`bad ${type} frame: ${JSON.stringify(s.slice(pos, Math.min(end, pos + 80)))}`);
  switch (type) {
    case '+': case '-':
      if (/[\r\n]/.test(head)) throw bad();
      break;
    case ':':
      if (!/^-?\d+$/.test(head)) throw bad();
      break;
    case ',':
      if (!/^(-?\d+(\.\d+)?(e[+-]?\d+)?|-?inf|nan)$/.test(head)) throw bad();
      break;
    case '#':
      if (head !== 't' && head !== 'f') throw bad();
      break;
    case '_':
      if (head !== '') throw bad();
      break;
    case '$': case '=': case '!':
      if (!/^(-1|\d+)$/.test(head) || (head !== '-1' && s.slice(end - 2, end) !== '\r\n')) throw bad();
      break;
    case '*': case '~': case '>': case '%': {
      if (!/^(-1|\d+)$/.test(head)) throw bad();
      let p = nl + 2;
      const n = Number(head) * (type === '%' ? 2 : 1);
      for (let i = 0; i < n; i++) p = checkFrame(s, p);
      if (p !== end) throw bad();
      break;
    }
    default:
      throw bad();
  }
  return end;
}

export type RespValue = string | number | null | RespValue[] | { error: string };

/** Read one whole frame (RESP2 or RESP3) into a value; maps and sets become flat arrays. */
export function parseValue(s: string, pos = 0): { value: RespValue; end: number } {
  const nl = s.indexOf('\r\n', pos);
  const type = s[pos];
  const head = s.slice(pos + 1, nl);
  let p = nl + 2;
  switch (type) {
    case '+': case ',': case '(': return { value: head, end: p };
    case '-': case '!': {
      if (type === '!') {
        const n = Number(head);
        return { value: { error: s.slice(p, p + n) }, end: p + n + 2 };
      }
      return { value: { error: head }, end: p };
    }
    case ':': return { value: Number(head), end: p };
    case '#': return { value: head === 't' ? 1 : 0, end: p };
    case '_': return { value: null, end: p };
    case '$': case '=': {
      const n = Number(head);
      if (n < 0) return { value: null, end: p };
      return { value: s.slice(p, p + n), end: p + n + 2 };
    }
    default: {
      const n = Number(head);
      if (n < 0) return { value: null, end: p };
      const out: RespValue[] = [];
      for (let i = 0; i < n * (type === '%' ? 2 : 1); i++) {
        const r = parseValue(s, p);
        out.push(r.value);
        p = r.end;
      }
      return { value: out, end: p };
    }
  }
}
