// The request parser: RESP multibulk and inline commands, offset-based, with Redis's limits and
// error texts. Arguments come out as latin1 strings (one byte = one char), which copies them out
// of the socket chunk: nothing we keep points into a chunk.
//
// Why not redis-parser here: it parses replies, so it has no inline commands, no size limits and
// none of Redis's error texts; and once its Buffer slices are copied out (as anything kept must be)
// it was about 1.2x slower on pipelined SETs (bench/parser.mjs keeps that comparison honest).

import { ERR } from '../errors.js';

/** Redis's PROTO_INLINE_MAX_SIZE: longest inline request or length line without a newline. */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
/** Above this size a bulk argument gets its own exactly-sized buffer instead of repeated concats. */
const BIG_ARG = 32 * 1024;
const INT_MAX = 2147483647;
const NO_ARGS: string[] = [];

export interface ParserLimits {
  /** proto-max-bulk-len */
  protoMaxBulkLen: number;
}

export class RequestParser {
  /** Unconsumed input; `pos` is the next byte to read. */
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Remaining bulks in the current multibulk; 0 = between commands. */
  private multibulkLeft = 0;
  /** Length of the bulk being read, -1 = expecting a '$' line. */
  private bulkLen = -1;
  private argv: string[] = NO_ARGS;
  /** Arguments filled into argv so far. */
  private argc = 0;
  /** Exactly-sized buffer for a big argument being assembled across chunks. */
  private big: Buffer | null = null;
  private bigFilled = 0;
  /** The last command name parsed (see commandName). */
  private lastName = '';
  /** Set when the input is malformed: the reply text; the connection is closed after it. */
  error: string | null = null;

  constructor(private limits: ParserLimits) {}

  /** Bytes held that are not parsed yet (for client-query-buffer-limit and CLIENT LIST qbuf). */
  get pending(): number {
    return this.buf.length - this.pos + (this.big ? this.bigFilled : 0);
  }

  /**
   * The whole input of the read being processed, the parsed commands included: what Redis's
   * CLIENT LIST shows as qbuf for the client running the command (its query buffer is trimmed
   * only after the read's commands ran).
   */
  get readBytes(): number {
    return this.buf.length + (this.big ? this.bigFilled : 0);
  }

  /** Bytes of input memory held: unparsed input plus the whole buffer of a big argument being assembled. */
  get held(): number {
    return this.buf.length - this.pos + (this.big ? this.big.length : 0);
  }

  feed(chunk: Buffer): void {
    if (this.big !== null) {
      const need = this.big.length - this.bigFilled;
      if (chunk.length <= need) {
        chunk.copy(this.big, this.bigFilled);
        this.bigFilled += chunk.length;
        return;
      }
      chunk.copy(this.big, this.bigFilled, 0, need);
      this.bigFilled += need;
      chunk = chunk.subarray(need);
    }
    if (this.pos >= this.buf.length) {
      this.buf = chunk;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
    }
    this.pos = 0;
  }

  /**
   * The next complete command, or null when more input is needed or on error (then `error` is set).
   * `authRequired` applies Redis's tighter limits for unauthenticated clients.
   */
  next(authRequired: boolean): string[] | null {
    for (;;) {
      if (this.big !== null) {
        if (this.bigFilled < this.big.length) return null;
        this.argv[this.argc++] = this.big.latin1Slice(0, this.big.length - 2);
        this.big = null;
        this.bigFilled = 0;
        this.bulkLen = -1;
        if (--this.multibulkLeft === 0) return this.take();
        continue;
      }
      const buf = this.buf;
      const len = buf.length;
      if (this.pos >= len) return null;
      if (this.multibulkLeft === 0) {
        if (buf[this.pos] !== 42 /* '*' */) {
          const argv = this.inline();
          if (argv === null) return null;
          if (argv.length === 0) continue;
          return argv;
        }
        const nl = this.lineEnd();
        if (nl < 0) {
          if (len - this.pos > PROTO_INLINE_MAX_SIZE) return this.fail('too big mbulk count string');
          return null;
        }
        const n = parseLen(buf, this.pos + 1, nl);
        if (n === null || n > INT_MAX) return this.fail('invalid multibulk length');
        this.pos = nl + 2;
        if (n <= 0) continue;
        if (authRequired && n > 10) return this.fail('unauthenticated multibulk length');
        this.multibulkLeft = n;
        // Sized up front (bounded: a hostile count must not allocate a huge array before data comes).
        this.argv = new Array<string>(n <= 1024 ? n : 1024);
        this.argc = 0;
      }
      // Fast path for what clients normally send: whole bulks with plain "$<digits>\r\n" headers
      // already in the buffer, scanned with locals and no native indexOf per line (20-30% faster
      // on bench/parser.mjs's pipelined SETs). Anything else (errors, partial or empty bulks,
      // leading zeros) stops it and goes through the general loop below, which owns every error.
      if (this.bulkLen === -1) {
        const maxBulk = authRequired ? 16384 : this.limits.protoMaxBulkLen;
        let pos = this.pos;
        let left = this.multibulkLeft;
        const argv = this.argv;
        let argc = this.argc;
        while (left > 0 && pos + 3 < len && buf[pos] === 36) {
          let i = pos + 1;
          let c = buf[i];
          if (c < 49 || c > 57) break;
          let n = 0;
          while (c >= 48 && c <= 57 && i < pos + 11) {
            n = n * 10 + (c - 48);
            c = buf[++i];
          }
          if (c !== 13 || n > maxBulk) break;
          const start = i + 2;
          if (start + n + 2 > len) break;
          argv[argc] = argc === 0 ? this.commandName(buf, start, n) : shortOrSlice(buf, start, n);
          argc++;
          pos = start + n + 2;
          left--;
        }
        this.argc = argc;
        this.pos = pos;
        this.multibulkLeft = left;
        if (left === 0) return this.take();
        if (pos >= len) return null;
      }
      while (this.multibulkLeft > 0) {
        if (this.bulkLen === -1) {
          if (this.pos >= len) return null;
          const nl = this.lineEnd();
          if (nl < 0) {
            if (len - this.pos > PROTO_INLINE_MAX_SIZE) return this.fail('too big bulk count string');
            return null;
          }
          if (buf[this.pos] !== 36 /* '$' */) {
            return this.fail(`expected '$', got '${String.fromCharCode(buf[this.pos])}'`);
          }
          const n = parseLen(buf, this.pos + 1, nl);
          if (n === null || n < 0 || n > this.limits.protoMaxBulkLen) return this.fail('invalid bulk length');
          if (authRequired && n > 16384) return this.fail('unauthenticated bulk length');
          this.pos = nl + 2;
          this.bulkLen = n;
          if (n >= BIG_ARG && len - this.pos < n + 2) {
            // Assemble this argument in its own buffer: no quadratic concatenation of chunks.
            this.big = Buffer.allocUnsafe(n + 2);
            buf.copy(this.big, 0, this.pos, len);
            this.bigFilled = len - this.pos;
            this.pos = len;
            return null;
          }
        }
        if (len - this.pos < this.bulkLen + 2) return null;
        this.argv[this.argc++] = buf.latin1Slice(this.pos, this.pos + this.bulkLen);
        this.pos += this.bulkLen + 2;
        this.bulkLen = -1;
        this.multibulkLeft--;
      }
      return this.take();
    }
  }

  /**
   * argv[0]: clients repeat command names, so the previous one's string is reused when the bytes
   * match (a byte compare is cheaper than a native slice call, and lookupCommand's cache keyed by
   * the same string hits without hashing anything new).
   */
  private commandName(buf: Buffer, start: number, n: number): string {
    const last = this.lastName;
    if (last.length === n) {
      let i = 0;
      while (i < n && buf[start + i] === last.charCodeAt(i)) i++;
      if (i === n) return last;
    }
    const name = shortOrSlice(buf, start, n);
    if (n <= 32) this.lastName = name;
    return name;
  }

  private take(): string[] {
    const argv = this.argv;
    this.argv = NO_ARGS;
    return argv;
  }

  private fail(detail: string): null {
    this.error = ERR.protocol(detail);
    return null;
  }

  /**
   * Index of the '\r' of a "\r\n" from pos, or -1. Like Redis, a lone '\n' does not end a length
   * line, and a NUL before the '\r' hides it (Redis looks for it with strchr). A plain loop:
   * length lines are a few bytes, where a native indexOf call costs more than the scan.
   */
  private lineEnd(): number {
    const buf = this.buf;
    const last = buf.length - 1;
    for (let i = this.pos; i < last; i++) {
      const b = buf[i];
      if (b === 13) return i;
      if (b === 0) return -1;
    }
    return -1;
  }

  private inline(): string[] | null {
    const buf = this.buf;
    const nl = buf.indexOf(10, this.pos);
    if (nl < 0 || hasNul(buf, this.pos, nl)) {
      if (buf.length - this.pos > PROTO_INLINE_MAX_SIZE) return this.fail('too big inline request');
      return null;
    }
    let end = nl;
    if (end > this.pos && buf[end - 1] === 13) end--;
    const line = buf.latin1Slice(this.pos, end);
    this.pos = nl + 1;
    const argv = splitArgs(line);
    if (argv === null) return this.fail('unbalanced quotes in request');
    return argv;
  }
}

/**
 * Redis finds line ends with strchr, which stops at a NUL byte: a NUL before the line end means
 * "no line yet" there (the client stalls until the 64KB limit), so it must here too.
 */
function hasNul(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] === 0) return true;
  return false;
}

/** Parse a decimal length between start and end (exclusive) like string2ll; null when invalid. */
function parseLen(buf: Buffer, start: number, end: number): number | null {
  if (start >= end || end - start > 20) return null;
  let i = start;
  let neg = false;
  if (buf[i] === 45) {
    neg = true;
    i++;
    if (i === end) return null;
  }
  // "0" alone is the only number starting with 0 ("-0" and "01" are invalid, as in string2ll).
  if (buf[i] === 48 && (neg || end - i > 1)) return null;
  let n = 0;
  for (; i < end; i++) {
    const c = buf[i];
    if (c < 48 || c > 57) return null;
    n = n * 10 + (c - 48);
  }
  if (n > 9223372036854775807) return null;
  return neg ? -n : n;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 11 || c === 12;
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Split an inline command line the way redis-cli and Redis split them (sdssplitargs): whitespace
 * separated, "double quotes" with \n \r \t \b \a \xHH escapes, 'single quotes' with \' only, and a
 * closing quote must be followed by a space or the end. Returns null on unbalanced quotes.
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  const n = line.length;
  let i = 0;
  for (;;) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n) return out;
    let cur = '';
    let inDq = false;
    let inSq = false;
    let done = false;
    while (!done) {
      if (inDq) {
        if (i >= n) return null;
        const c = line.charCodeAt(i);
        if (c === 92 /* \ */ && i + 3 < n && line.charCodeAt(i + 1) === 120 /* x */ &&
            hexVal(line.charCodeAt(i + 2)) >= 0 && hexVal(line.charCodeAt(i + 3)) >= 0) {
          cur += String.fromCharCode(hexVal(line.charCodeAt(i + 2)) * 16 + hexVal(line.charCodeAt(i + 3)));
          i += 3;
        } else if (c === 92 && i + 1 < n) {
          i++;
          const e = line[i];
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === 34 /* " */) {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          done = true;
        } else {
          cur += line[i];
        }
      } else if (inSq) {
        if (i >= n) return null;
        const c = line.charCodeAt(i);
        if (c === 92 && i + 1 < n && line.charCodeAt(i + 1) === 39) {
          i++;
          cur += "'";
        } else if (c === 39) {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          done = true;
        } else {
          cur += line[i];
        }
      } else {
        if (i >= n) {
          done = true;
          break;
        }
        const c = line.charCodeAt(i);
        if (isSpace(c)) done = true;
        else if (c === 34) inDq = true;
        else if (c === 39) inSq = true;
        else cur += line[i];
      }
      if (i < n) i++;
    }
    out.push(cur);
  }
}

/**
 * Arguments of two to four bytes are shared: a small direct-mapped table keeps the last string made
 * for each, keyed by its bytes. Redis shares its integers 0-9999 for the same reason: short values
 * (counters, flags, small numbers) repeat, and a stored copy of each is memory and, here, garbage
 * collection work: every value a write stores is copied out of V8's young generation once or twice
 * before it is old, and each one an old table points to is a remembered-set entry. Strings are
 * immutable, so sharing one is invisible to every reader. A hit must match the length as well as
 * the code: "ab" and "ab\0" have the same code.
 */
const SHARED_BITS = 12;
const sharedCodes = new Int32Array(1 << SHARED_BITS);
const sharedStrings = new Array<string>(1 << SHARED_BITS).fill('');

/**
 * `n` (at least 1) bytes as a latin1 string. Up to four bytes are built in JS: below that size the
 * native slice call's fixed cost is most of the work (a single char even comes from V8's cache).
 */
function shortOrSlice(buf: Buffer, start: number, n: number): string {
  if (n > 4) return buf.latin1Slice(start, start + n);
  const b0 = buf[start];
  if (n === 1) return String.fromCharCode(b0);
  const b1 = buf[start + 1];
  const b2 = n > 2 ? buf[start + 2] : 0;
  const b3 = n > 3 ? buf[start + 3] : 0;
  const code = b0 | (b1 << 8) | (b2 << 16) | (b3 << 24);
  const i = Math.imul(code, 0x9e3779b1) >>> (32 - SHARED_BITS);
  const shared = sharedStrings[i];
  if (sharedCodes[i] === code && shared.length === n) return shared;
  const s = n === 2 ? String.fromCharCode(b0, b1) : n === 3 ? String.fromCharCode(b0, b1, b2) : String.fromCharCode(b0, b1, b2, b3);
  sharedCodes[i] = code;
  sharedStrings[i] = s;
  return s;
}
