// The reply writer: one growable, reused output buffer per client, RESP2 or RESP3 on demand.
// Everything written during one read event leaves in a single socket write (see Client.flush).

import type { Writable } from 'node:stream';
import { formatDouble17g } from './format.js';

const INITIAL = 2 * 1024;
/**
 * Up to this many bytes are copied by a JS loop: a native latin1Write or Buffer.copy call costs
 * ~50 ns whatever the size, a loop ~2 ns a byte (most replies are a few bytes).
 */
const SHORT = 16;
/** A buffer that grew past this for one big reply is dropped after the flush. */
const KEEP_MAX = 256 * 1024;

export type Resp = 2 | 3;

/** Sink for error replies: INFO errorstats and the per-command failed count need every one. */
export interface ErrorSink {
  onErrorReply(text: string): void;
}

export class ReplyWriter {
  buf: Buffer = Buffer.allocUnsafe(INITIAL);
  len = 0;
  resp: Resp = 2;
  /** Error replies written so far, for the dispatcher's failed-call accounting. */
  errors = 0;
  /** When false (CLIENT REPLY OFF/SKIP) replies are discarded. */
  enabled = true;

  /** Where error replies are counted (a replica's primary link also logs them). */
  constructor(public sink: ErrorSink | null = null) {}

  private ensure(n: number): void {
    const need = this.len + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const nb = Buffer.allocUnsafe(size);
    this.buf.copy(nb, 0, 0, this.len);
    this.buf = nb;
  }

  /**
   * Write everything buffered to the socket and start empty. No copy: when the socket took the
   * bytes synchronously (nothing left queued), the buffer is reused; when it had to queue them,
   * the buffer now belongs to the socket and the writer starts a new one.
   */
  writeTo(socket: Writable): void {
    socket.write(this.buf.subarray(0, this.len));
    if (socket.writableLength !== 0 || this.buf.length > KEEP_MAX) this.buf = Buffer.allocUnsafe(INITIAL);
    this.len = 0;
  }

  /** A copy of what was written, leaving the writer empty (for callers that are not sockets). */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.len));
    this.discard();
    return out;
  }

  /** Drop what was written (the client is gone, or a sink took it), and a buffer a big reply grew. */
  discard(): void {
    this.len = 0;
    if (this.buf.length > KEEP_MAX) this.buf = Buffer.allocUnsafe(INITIAL);
  }

  /** Drop the first n bytes written (a sink took only part of them). */
  dropFront(n: number): void {
    this.buf.copyWithin(0, n, this.len);
    this.len -= n;
  }

  raw(b: Buffer): void {
    if (!this.enabled) return;
    const n = b.length;
    this.ensure(n);
    if (n <= SHORT) {
      const out = this.buf;
      const p = this.len;
      for (let i = 0; i < n; i++) out[p + i] = b[i];
    } else {
      b.copy(this.buf, this.len);
    }
    this.len += n;
  }

  /** Write s's chars as bytes at len (the caller ensured room); returns the count. */
  private put(s: string): number {
    const n = s.length;
    if (n > SHORT) return this.buf.latin1Write(s, this.len);
    const out = this.buf;
    const p = this.len;
    for (let i = 0; i < n; i++) out[p + i] = s.charCodeAt(i);
    return n;
  }

  /** Append ASCII/latin1 text as is. */
  text(s: string): void {
    if (!this.enabled) return;
    this.ensure(s.length);
    this.len += this.put(s);
  }

  private writeDecimal(prefix: number, n: number): void {
    // prefix byte, digits, CRLF without allocating a string for small integers.
    this.ensure(24);
    const b = this.buf;
    let p = this.len;
    b[p++] = prefix;
    if (n < 0) {
      b[p++] = 45;
      n = -n;
    }
    if (n < 10) {
      b[p++] = 48 + n;
    } else if (n <= 0x7fffffff && (n | 0) === n) {
      // 31-bit integers (every length, most counters) in integer arithmetic: Math.floor on
      // doubles made this 2.5% of an LPUSH profile.
      let digits = 2;
      for (let t = (n / 100) | 0; t !== 0; t = (t / 10) | 0) digits++;
      let q = p + digits - 1;
      for (let t = n; t !== 0; t = (t / 10) | 0) b[q--] = 48 + (t % 10);
      p += digits;
    } else if (!Number.isSafeInteger(n)) {
      p += b.latin1Write(String(n), p);
    } else {
      let digits = 0;
      for (let t = n; t > 0; t = Math.floor(t / 10)) digits++;
      let q = p + digits - 1;
      for (let t = n; t > 0; t = Math.floor(t / 10)) b[q--] = 48 + (t % 10);
      p += digits;
    }
    b[p++] = 13;
    b[p++] = 10;
    this.len = p;
  }

  ok(): void {
    this.raw(OK);
  }

  simple(s: string): void {
    if (!this.enabled) return;
    this.ensure(s.length + 3);
    this.buf[this.len++] = 43;
    this.len += this.put(s);
    this.buf[this.len++] = 13;
    this.buf[this.len++] = 10;
  }

  /**
   * An error reply; `text` includes its code ("ERR ...", "WRONGTYPE ..."). Like Redis's formatted
   * errors, trailing CR/LF (from an argument quoted at the end) are dropped and the rest become spaces.
   */
  error(text: string): void {
    this.errors++;
    if (this.sink !== null) this.sink.onErrorReply(text);
    if (!this.enabled) return;
    if (text.indexOf('\n') !== -1 || text.indexOf('\r') !== -1) text = text.replace(/[\r\n]+$/, '').replace(/[\r\n]/g, ' ');
    this.ensure(text.length + 3);
    this.buf[this.len++] = 45;
    this.len += this.buf.latin1Write(text, this.len);
    this.buf[this.len++] = 13;
    this.buf[this.len++] = 10;
  }

  /**
   * An error reply that INFO errorstats already counted (a script passing on the error of a command
   * it ran); the command's own failed-call count still sees it.
   */
  errorCounted(text: string): void {
    const sink = this.sink;
    this.sink = null;
    this.error(text);
    this.sink = sink;
  }

  int(n: number | bigint): void {
    if (!this.enabled) return;
    if (typeof n === 'bigint') {
      this.text(`:${n}\r\n`);
      return;
    }
    if (n === 0) this.raw(ZERO);
    else if (n === 1) this.raw(ONE);
    else this.writeDecimal(58, n);
  }

  bulk(s: string): void {
    if (!this.enabled) return;
    const n = s.length;
    this.writeDecimal(36, n);
    this.ensure(n + 2);
    this.len += this.put(s);
    this.buf[this.len++] = 13;
    this.buf[this.len++] = 10;
  }

  /** A bulk string or the null reply. */
  bulkOrNull(s: string | null | undefined): void {
    if (s === null || s === undefined) this.nullBulk();
    else this.bulk(s);
  }

  bulkBuffer(b: Buffer): void {
    if (!this.enabled) return;
    this.writeDecimal(36, b.length);
    this.ensure(b.length + 2);
    b.copy(this.buf, this.len);
    this.len += b.length;
    this.buf[this.len++] = 13;
    this.buf[this.len++] = 10;
  }

  /** Null bulk string: `$-1` in RESP2, `_` in RESP3. */
  nullBulk(): void {
    this.raw(this.resp === 3 ? NULL3 : NULL_BULK);
  }

  /** Null array: `*-1` in RESP2, `_` in RESP3. */
  nullArray(): void {
    this.raw(this.resp === 3 ? NULL3 : NULL_ARRAY);
  }

  array(n: number): void {
    if (!this.enabled) return;
    if (n === 0) this.raw(EMPTY_ARRAY);
    else this.writeDecimal(42, n);
  }

  /**
   * Where an array or map whose length is known only after its elements starts (Redis's
   * deferred length): write the elements, then give the mark and the count to deferredArray/Map.
   */
  deferLen(): number {
    return this.len;
  }

  /** Insert an array header of n elements at a mark from deferLen. */
  deferredArray(mark: number, n: number): void {
    this.insertHeader(mark, `*${n}\r\n`);
  }

  /** Insert a map header of n pairs (`%n` in RESP3, `*2n` in RESP2) at a mark from deferLen. */
  deferredMap(mark: number, n: number): void {
    this.insertHeader(mark, this.resp === 3 ? `%${n}\r\n` : `*${n * 2}\r\n`);
  }

  private insertHeader(mark: number, header: string): void {
    if (!this.enabled) return;
    this.ensure(header.length);
    this.buf.copyWithin(mark + header.length, mark, this.len);
    this.buf.latin1Write(header, mark);
    this.len += header.length;
  }

  /** A map of n pairs: `%n` in RESP3, a flat array of 2n in RESP2. */
  map(n: number): void {
    if (!this.enabled) return;
    if (this.resp === 3) this.writeDecimal(37, n);
    else this.array(n * 2);
  }

  /** A set: `~n` in RESP3, an array in RESP2. */
  set(n: number): void {
    if (!this.enabled) return;
    if (this.resp === 3) this.writeDecimal(126, n);
    else this.array(n);
  }

  /** A push message header: `>n` in RESP3, an array in RESP2. */
  push(n: number): void {
    if (!this.enabled) return;
    if (this.resp === 3) this.writeDecimal(62, n);
    else this.array(n);
  }

  /** A double: `,d` in RESP3, a bulk string in RESP2, formatted like Redis 7.0 (%.17g). */
  double(d: number): void {
    const s = formatDouble17g(d);
    if (this.resp === 3) this.text(`,${s}\r\n`);
    else this.bulk(s);
  }

  /** A boolean: `#t/#f` in RESP3, `:1/:0` in RESP2. */
  bool(b: boolean): void {
    if (this.resp === 3) this.raw(b ? TRUE3 : FALSE3);
    else this.raw(b ? ONE : ZERO);
  }

  /** Verbatim text (`=len\r\ntxt:...`) in RESP3, a bulk string in RESP2. */
  verbatim(s: string, format = 'txt'): void {
    if (!this.enabled) return;
    if (this.resp === 3) {
      this.writeDecimal(61, s.length + 4);
      this.text(`${format}:`);
      this.text(s);
      this.raw(CRLF);
    } else {
      this.bulk(s);
    }
  }

  /** A list of bulk strings. */
  bulks(items: readonly string[]): void {
    this.array(items.length);
    for (let i = 0; i < items.length; i++) this.bulk(items[i]);
  }
}

const enc = (s: string): Buffer => Buffer.from(s, 'latin1');
export const OK = enc('+OK\r\n');
export const ZERO = enc(':0\r\n');
export const ONE = enc(':1\r\n');
export const NULL_BULK = enc('$-1\r\n');
export const NULL_ARRAY = enc('*-1\r\n');
export const NULL3 = enc('_\r\n');
export const EMPTY_ARRAY = enc('*0\r\n');
export const TRUE3 = enc('#t\r\n');
export const FALSE3 = enc('#f\r\n');
export const CRLF = enc('\r\n');
export const QUEUED = enc('+QUEUED\r\n');
export const PONG = enc('+PONG\r\n');
