// Redis 7.0's cluster bus wire format (clusterMsg in cluster.h): a fixed 2256-byte header followed
// by a body that depends on the type. Multi-byte integers are big-endian (Redis converts them with
// htons/htonl/htonu64), names and addresses are fixed-size NUL-padded byte fields, and the slot
// bitmaps keep bit (slot % 8) of byte (slot / 8), least significant bit first.

export const MsgType = {
  PING: 0,
  PONG: 1,
  MEET: 2,
  FAIL: 3,
  PUBLISH: 4,
  FAILOVER_AUTH_REQUEST: 5,
  FAILOVER_AUTH_ACK: 6,
  UPDATE: 7,
  MFSTART: 8,
  MODULE: 9,
  PUBLISHSHARD: 10,
} as const;

/** Node flags as carried in headers, gossip entries (and kept in memory by Redis). */
export const NodeFlag = {
  MASTER: 1,
  SLAVE: 2,
  PFAIL: 4,
  FAIL: 8,
  MYSELF: 16,
  HANDSHAKE: 32,
  NOADDR: 64,
  MEET: 128,
  MIGRATE_TO: 256,
  NOFAILOVER: 512,
} as const;

/** Bits of the first message-flags byte. */
export const MsgFlag0 = {
  /** The sending primary is paused for a manual failover. */
  PAUSED: 1,
  /** Vote for this FAILOVER_AUTH_REQUEST even though the primary is up (manual failover). */
  FORCEACK: 2,
  /** Ping extensions follow the gossip section. */
  EXT_DATA: 4,
} as const;

/** Ping extension types Redis 7.0 knows (it sends only the hostname, when one is announced). */
export const ExtType = { HOSTNAME: 0 } as const;

export const PROTO_VER = 1;
export const NAMELEN = 40;
export const IP_LEN = 46;
export const SLOTS_BITMAP_LEN = 2048;
/** Header size: offset of the body (CLUSTERMSG_MIN_LEN). */
export const HEADER_LEN = 2256;
export const GOSSIP_LEN = 104;
const UPDATE_BODY_LEN = 8 + NAMELEN + SLOTS_BITMAP_LEN;
const EXT_HEADER_LEN = 8;
/** Cluster state byte. */
export const STATE_OK = 0;
export const STATE_FAIL = 1;

// Header field offsets (static_asserts in cluster.h).
const O_TOTLEN = 4, O_VER = 8, O_PORT = 10, O_TYPE = 12, O_COUNT = 14;
const O_CURRENT_EPOCH = 16, O_CONFIG_EPOCH = 24, O_OFFSET = 32, O_SENDER = 40, O_MYSLOTS = 80;
const O_SLAVEOF = 2128, O_MYIP = 2168, O_EXTENSIONS = 2214, O_PPORT = 2246, O_CPORT = 2248;
const O_FLAGS = 2250, O_STATE = 2252, O_MFLAGS = 2253;

export interface BusHeader {
  type: number;
  /** Client port, plaintext port (when the client port is TLS), bus port. */
  port: number;
  pport: number;
  cport: number;
  /** NodeFlag bits of the sender. */
  flags: number;
  /** STATE_OK or STATE_FAIL, as the sender sees the cluster. */
  state: number;
  /** MsgFlag0 bits (the other two mflags bytes are unused in 7.0 and sent as zero). */
  mflags: number;
  // Epochs and offsets are uint64 on the wire; as numbers they are exact up to 2^53.
  currentEpoch: number;
  /** The sender's configEpoch, or its primary's when the sender is a replica. */
  configEpoch: number;
  /** Replication offset. */
  offset: number;
  /** 40-char node id. */
  sender: string;
  /** Slots the sender serves (its primary's, for a replica): a 2048-byte bitmap. */
  myslots: Uint8Array;
  /** The sender's primary, or null (all zeros on the wire). */
  slaveof: string | null;
  /** Announced ip (cluster-announce-ip), '' when the receiver should use the peer address. */
  myip: string;
}

export interface GossipEntry {
  nodename: string;
  /** Seconds (Unix time), truncated by the sender; 0 when none. */
  pingSent: number;
  pongReceived: number;
  ip: string;
  port: number;
  cport: number;
  flags: number;
  pport: number;
}

export type PingExt = { type: typeof ExtType.HOSTNAME; hostname: string } | { type: number; data: Buffer };

export type BusBody =
  /** PING, PONG, MEET. */
  | { kind: 'ping'; gossip: GossipEntry[]; extensions: PingExt[] }
  | { kind: 'fail'; nodename: string }
  /** PUBLISH, PUBLISHSHARD; latin1 strings. */
  | { kind: 'publish'; channel: string; message: string }
  | { kind: 'update'; configEpoch: number; nodename: string; slots: Uint8Array }
  /** moduleId is copied as is by Redis (not byte-swapped): kept as the raw 8 bytes read big-endian. */
  | { kind: 'module'; moduleId: bigint; moduleType: number; payload: string }
  /** FAILOVER_AUTH_REQUEST, FAILOVER_AUTH_ACK, MFSTART. */
  | { kind: 'none' }
  /** A type this codec does not know: Redis accepts it whatever its length. */
  | { kind: 'unknown'; data: Buffer };

export interface BusMessage extends BusHeader {
  body: BusBody;
}

/** A message the receiver drops (Redis logs it and keeps the link). */
export class BusDecodeError extends Error {}

/** A byte stream that is not cluster bus traffic: the link must be closed. */
export class BusFramingError extends Error {}

const ZERO_NAME = '\0'.repeat(NAMELEN);

function bodyKind(type: number): BusBody['kind'] {
  switch (type) {
    case MsgType.PING:
    case MsgType.PONG:
    case MsgType.MEET:
      return 'ping';
    case MsgType.FAIL:
      return 'fail';
    case MsgType.PUBLISH:
    case MsgType.PUBLISHSHARD:
      return 'publish';
    case MsgType.UPDATE:
      return 'update';
    case MsgType.MODULE:
      return 'module';
    case MsgType.FAILOVER_AUTH_REQUEST:
    case MsgType.FAILOVER_AUTH_ACK:
    case MsgType.MFSTART:
      return 'none';
    default:
      return 'unknown';
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding

function hostnameExtLength(hostname: string): number {
  // The name, its NUL and zero padding to a multiple of 8.
  return EXT_HEADER_LEN + (((hostname.length + 1 + 7) >> 3) << 3);
}

function extLength(e: PingExt): number {
  return 'hostname' in e ? hostnameExtLength(e.hostname) : EXT_HEADER_LEN + e.data.length;
}

function bodyLength(b: BusBody): number {
  switch (b.kind) {
    case 'ping': {
      let n = GOSSIP_LEN * b.gossip.length;
      for (const e of b.extensions) n += extLength(e);
      return n;
    }
    case 'fail':
      return NAMELEN;
    case 'publish':
      return 8 + b.channel.length + b.message.length;
    case 'update':
      return UPDATE_BODY_LEN;
    case 'module':
      return 13 + b.payload.length;
    case 'none':
      return 0;
    case 'unknown':
      return b.data.length;
  }
}

function writeFixed(buf: Buffer, at: number, s: string, size: number, what: string): void {
  if (s.length > size) throw new RangeError(`${what} longer than ${size} bytes`);
  buf.write(s, at, 'latin1');
}

function writeName(buf: Buffer, at: number, name: string): void {
  if (name.length !== NAMELEN) throw new RangeError(`node name must be ${NAMELEN} bytes`);
  buf.write(name, at, 'latin1');
}

function writeBitmap(buf: Buffer, at: number, bits: Uint8Array): void {
  if (bits.length !== SLOTS_BITMAP_LEN) throw new RangeError(`slot bitmap must be ${SLOTS_BITMAP_LEN} bytes`);
  buf.set(bits, at);
}

/** The bytes of one message, exactly as Redis 7.0 lays them out. */
export function encodeMessage(m: BusMessage): Buffer {
  const b = m.body;
  if (bodyKind(m.type) !== b.kind) throw new TypeError(`a type ${m.type} message cannot carry a '${b.kind}' body`);
  const totlen = HEADER_LEN + bodyLength(b);
  const buf = Buffer.alloc(totlen);
  buf.write('RCmb', 0, 'latin1');
  buf.writeUInt32BE(totlen, O_TOTLEN);
  buf.writeUInt16BE(PROTO_VER, O_VER);
  buf.writeUInt16BE(m.port, O_PORT);
  buf.writeUInt16BE(m.type, O_TYPE);
  buf.writeBigUInt64BE(BigInt(m.currentEpoch), O_CURRENT_EPOCH);
  buf.writeBigUInt64BE(BigInt(m.configEpoch), O_CONFIG_EPOCH);
  buf.writeBigUInt64BE(BigInt(m.offset), O_OFFSET);
  writeName(buf, O_SENDER, m.sender);
  writeBitmap(buf, O_MYSLOTS, m.myslots);
  if (m.slaveof !== null) writeName(buf, O_SLAVEOF, m.slaveof);
  // Redis keeps the last byte a NUL terminator.
  writeFixed(buf, O_MYIP, m.myip, IP_LEN - 1, 'myip');
  buf.writeUInt16BE(m.pport, O_PPORT);
  buf.writeUInt16BE(m.cport, O_CPORT);
  buf.writeUInt16BE(m.flags, O_FLAGS);
  buf.writeUInt8(m.state, O_STATE);
  let mflags = m.mflags;
  let p = HEADER_LEN;
  switch (b.kind) {
    case 'ping': {
      buf.writeUInt16BE(b.gossip.length, O_COUNT);
      for (const g of b.gossip) {
        writeName(buf, p, g.nodename);
        buf.writeUInt32BE(g.pingSent, p + 40);
        buf.writeUInt32BE(g.pongReceived, p + 44);
        writeFixed(buf, p + 48, g.ip, IP_LEN - 1, 'gossip ip');
        buf.writeUInt16BE(g.port, p + 94);
        buf.writeUInt16BE(g.cport, p + 96);
        buf.writeUInt16BE(g.flags, p + 98);
        buf.writeUInt16BE(g.pport, p + 100);
        p += GOSSIP_LEN;
      }
      if (b.extensions.length > 0) {
        mflags |= MsgFlag0.EXT_DATA;
        buf.writeUInt16BE(b.extensions.length, O_EXTENSIONS);
      }
      for (const e of b.extensions) {
        const len = extLength(e);
        if (len % 8 !== 0) throw new RangeError('ping extension data must keep 8-byte alignment');
        buf.writeUInt32BE(len, p);
        buf.writeUInt16BE(e.type, p + 4);
        if ('hostname' in e) buf.write(e.hostname, p + EXT_HEADER_LEN, 'latin1');
        else buf.set(e.data, p + EXT_HEADER_LEN);
        p += len;
      }
      break;
    }
    case 'fail':
      writeName(buf, p, b.nodename);
      break;
    case 'publish':
      buf.writeUInt32BE(b.channel.length, p);
      buf.writeUInt32BE(b.message.length, p + 4);
      buf.write(b.channel, p + 8, 'latin1');
      buf.write(b.message, p + 8 + b.channel.length, 'latin1');
      break;
    case 'update':
      buf.writeBigUInt64BE(BigInt(b.configEpoch), p);
      writeName(buf, p + 8, b.nodename);
      writeBitmap(buf, p + 8 + NAMELEN, b.slots);
      break;
    case 'module':
      buf.writeBigUInt64BE(b.moduleId, p);
      buf.writeUInt32BE(b.payload.length, p + 8);
      buf.writeUInt8(b.moduleType, p + 12);
      buf.write(b.payload, p + 13, 'latin1');
      break;
    case 'unknown':
      buf.set(b.data, p);
      break;
    case 'none':
      break;
  }
  buf.writeUInt8(mflags, O_MFLAGS);
  return buf;
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** A NUL-terminated string in a fixed-size field. */
function readCString(buf: Buffer, at: number, size: number): string {
  let end = at;
  const limit = at + size;
  while (end < limit && buf[end] !== 0) end++;
  return buf.toString('latin1', at, end);
}

function readU64(buf: Buffer, at: number): number {
  return Number(buf.readBigUInt64BE(at));
}

/** The slice as a copy: decoded messages must not pin the receive buffer. */
function copyBytes(buf: Buffer, start: number, end: number): Uint8Array {
  return new Uint8Array(buf.subarray(start, end));
}

/**
 * Decode one whole message (as framed by BusFrameReader). Throws BusDecodeError for what Redis
 * 7.0 drops: a wrong protocol version or a length that does not fit the type.
 */
export function decodeMessage(buf: Buffer): BusMessage {
  if (buf.length < HEADER_LEN) throw new BusDecodeError(`message of ${buf.length} bytes is shorter than a header`);
  if (buf.toString('latin1', 0, 4) !== 'RCmb') throw new BusDecodeError('bad signature');
  const totlen = buf.readUInt32BE(O_TOTLEN);
  if (totlen !== buf.length) throw new BusDecodeError(`totlen ${totlen} for a message of ${buf.length} bytes`);
  const ver = buf.readUInt16BE(O_VER);
  if (ver !== PROTO_VER) throw new BusDecodeError(`protocol version ${ver}`);
  const type = buf.readUInt16BE(O_TYPE);
  const count = buf.readUInt16BE(O_COUNT);
  const mflags = buf[O_MFLAGS];
  const slaveof = buf.toString('latin1', O_SLAVEOF, O_SLAVEOF + NAMELEN);
  const header: BusHeader = {
    type,
    port: buf.readUInt16BE(O_PORT),
    pport: buf.readUInt16BE(O_PPORT),
    cport: buf.readUInt16BE(O_CPORT),
    flags: buf.readUInt16BE(O_FLAGS),
    state: buf[O_STATE],
    mflags,
    currentEpoch: readU64(buf, O_CURRENT_EPOCH),
    configEpoch: readU64(buf, O_CONFIG_EPOCH),
    offset: readU64(buf, O_OFFSET),
    sender: buf.toString('latin1', O_SENDER, O_SENDER + NAMELEN),
    myslots: copyBytes(buf, O_MYSLOTS, O_MYSLOTS + SLOTS_BITMAP_LEN),
    slaveof: slaveof === ZERO_NAME ? null : slaveof,
    myip: readCString(buf, O_MYIP, IP_LEN),
  };
  const body = decodeBody(buf, type, count, mflags, buf.readUInt16BE(O_EXTENSIONS));
  return { ...header, body };
}

function expectLength(buf: Buffer, explen: number, what: string): void {
  if (buf.length !== explen) throw new BusDecodeError(`${what} message of ${buf.length} bytes, expected ${explen}`);
}

function decodeBody(buf: Buffer, type: number, count: number, mflags: number, extensions: number): BusBody {
  const p = HEADER_LEN;
  switch (bodyKind(type)) {
    case 'ping': {
      let explen = HEADER_LEN + GOSSIP_LEN * count;
      if (explen > buf.length) throw new BusDecodeError(`${count} gossip entries do not fit in ${buf.length} bytes`);
      const gossip: GossipEntry[] = [];
      for (let i = 0, q = p; i < count; i++, q += GOSSIP_LEN) {
        gossip.push({
          nodename: buf.toString('latin1', q, q + NAMELEN),
          pingSent: buf.readUInt32BE(q + 40),
          pongReceived: buf.readUInt32BE(q + 44),
          ip: readCString(buf, q + 48, IP_LEN),
          port: buf.readUInt16BE(q + 94),
          cport: buf.readUInt16BE(q + 96),
          flags: buf.readUInt16BE(q + 98),
          pport: buf.readUInt16BE(q + 100),
        });
      }
      const exts: PingExt[] = [];
      // Redis looks at extensions only when the flag says there are some.
      if (mflags & MsgFlag0.EXT_DATA) {
        for (let i = 0; i < extensions; i++) {
          if (buf.length - explen < EXT_HEADER_LEN) throw new BusDecodeError('ping extension header past the end of the message');
          const len = buf.readUInt32BE(explen);
          // Redis only requires a multiple of 8 that fits; a length below the extension header
          // would make it read the same bytes again, so it is refused here.
          if (len % 8 !== 0 || len < EXT_HEADER_LEN) throw new BusDecodeError(`ping extension of ${len} bytes is not padded`);
          if (buf.length - explen < len) throw new BusDecodeError('ping extension exceeds the message');
          const extType = buf.readUInt16BE(explen + 4);
          const start = explen + EXT_HEADER_LEN;
          if (extType === ExtType.HOSTNAME) exts.push({ type: ExtType.HOSTNAME, hostname: readCString(buf, start, len - EXT_HEADER_LEN) });
          else exts.push({ type: extType, data: Buffer.from(buf.subarray(start, explen + len)) });
          explen += len;
        }
      }
      expectLength(buf, explen, 'ping');
      return { kind: 'ping', gossip, extensions: exts };
    }
    case 'fail':
      expectLength(buf, HEADER_LEN + NAMELEN, 'FAIL');
      return { kind: 'fail', nodename: buf.toString('latin1', p, p + NAMELEN) };
    case 'publish': {
      if (buf.length < p + 8) throw new BusDecodeError('PUBLISH message without lengths');
      const channelLen = buf.readUInt32BE(p);
      const messageLen = buf.readUInt32BE(p + 4);
      expectLength(buf, HEADER_LEN + 8 + channelLen + messageLen, 'PUBLISH');
      return {
        kind: 'publish',
        channel: buf.toString('latin1', p + 8, p + 8 + channelLen),
        message: buf.toString('latin1', p + 8 + channelLen, p + 8 + channelLen + messageLen),
      };
    }
    case 'update':
      expectLength(buf, HEADER_LEN + UPDATE_BODY_LEN, 'UPDATE');
      return {
        kind: 'update',
        configEpoch: readU64(buf, p),
        nodename: buf.toString('latin1', p + 8, p + 8 + NAMELEN),
        slots: copyBytes(buf, p + 8 + NAMELEN, p + UPDATE_BODY_LEN),
      };
    case 'module': {
      if (buf.length < p + 13) throw new BusDecodeError('MODULE message without its header');
      const len = buf.readUInt32BE(p + 8);
      expectLength(buf, HEADER_LEN + 13 + len, 'MODULE');
      return { kind: 'module', moduleId: buf.readBigUInt64BE(p), moduleType: buf[p + 12], payload: buf.toString('latin1', p + 13, p + 13 + len) };
    }
    case 'none':
      expectLength(buf, HEADER_LEN, 'header-only');
      return { kind: 'none' };
    case 'unknown':
      return { kind: 'unknown', data: Buffer.from(buf.subarray(p)) };
  }
}

// ---------------------------------------------------------------------------------------------
// Framing

/** Largest message accepted by default: room for a PUBLISH of two 512MB (proto-max-bulk-len) strings. */
export const DEFAULT_MAX_MESSAGE = HEADER_LEN + 8 + 2 * 512 * 1024 * 1024;
const RCVBUF_INIT = 16 * 1024;

/**
 * Splits a bus connection's byte stream into whole messages. Like Redis, the first 8 bytes of a
 * message must be the signature and a totlen of at least a header, or the link is broken
 * (BusFramingError); an upper bound on totlen guards our memory.
 */
export class BusFrameReader {
  private buf = Buffer.allocUnsafe(RCVBUF_INIT);
  private start = 0;
  private end = 0;

  constructor(private readonly maxMessage = DEFAULT_MAX_MESSAGE) {}

  /** Bytes received that do not form a whole message yet. */
  get pending(): number {
    return this.end - this.start;
  }

  push(chunk: Buffer): void {
    if (this.end + chunk.length > this.buf.length) {
      const live = this.end - this.start;
      const need = live + chunk.length;
      if (need <= this.buf.length) {
        this.buf.copy(this.buf, 0, this.start, this.end);
      } else {
        const grown = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
        this.buf.copy(grown, 0, this.start, this.end);
        this.buf = grown;
      }
      this.start = 0;
      this.end = live;
    }
    chunk.copy(this.buf, this.end);
    this.end += chunk.length;
  }

  /** The next whole message (its own copy), or null until more bytes arrive. */
  next(): Buffer | null {
    const have = this.end - this.start;
    if (have < 8) return null;
    const s = this.start;
    if (this.buf.toString('latin1', s, s + 4) !== 'RCmb') throw new BusFramingError('bad signature on the cluster bus');
    const totlen = this.buf.readUInt32BE(s + 4);
    if (totlen < HEADER_LEN) throw new BusFramingError(`message length ${totlen} is below the header size`);
    if (totlen > this.maxMessage) throw new BusFramingError(`message length ${totlen} exceeds the limit of ${this.maxMessage}`);
    if (have < totlen) return null;
    const out = Buffer.from(this.buf.subarray(s, s + totlen));
    this.start += totlen;
    if (this.start === this.end) {
      this.start = this.end = 0;
      // Like Redis's receive buffer: give back the room a big message needed.
      if (this.buf.length > RCVBUF_INIT) this.buf = Buffer.allocUnsafe(RCVBUF_INIT);
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Slot bitmaps

export function bitmapTest(bits: Uint8Array, slot: number): boolean {
  return (bits[slot >> 3] & (1 << (slot & 7))) !== 0;
}

export function bitmapSet(bits: Uint8Array, slot: number): void {
  bits[slot >> 3] |= 1 << (slot & 7);
}

export function bitmapClear(bits: Uint8Array, slot: number): void {
  bits[slot >> 3] &= ~(1 << (slot & 7));
}
