import { describe, expect, it } from 'vitest';
import {
  BusDecodeError,
  BusFrameReader,
  BusFramingError,
  type BusBody,
  type BusMessage,
  bitmapClear,
  bitmapSet,
  bitmapTest,
  decodeMessage,
  encodeMessage,
  GOSSIP_LEN,
  HEADER_LEN,
  MsgFlag0,
  MsgType,
  NodeFlag,
  SLOTS_BITMAP_LEN,
} from '../../src/cluster/bus/codec.js';

const ID1 = 'e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca';
const ID2 = '67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1';
const ID3 = '292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f';

function slots(...list: number[]): Uint8Array {
  const b = new Uint8Array(SLOTS_BITMAP_LEN);
  for (const s of list) bitmapSet(b, s);
  return b;
}

function message(type: number, body: BusBody, extra: Partial<BusMessage> = {}): BusMessage {
  return {
    type,
    port: 30001,
    pport: 0,
    cport: 40001,
    flags: NodeFlag.MASTER | NodeFlag.MYSELF,
    state: 0,
    mflags: 0,
    currentEpoch: 7,
    configEpoch: 3,
    offset: 123456789012,
    sender: ID1,
    myslots: slots(0, 1, 2, 5460, 16383),
    slaveof: null,
    myip: '',
    body,
    ...extra,
  };
}

const ping: BusBody = {
  kind: 'ping',
  gossip: [
    { nodename: ID2, pingSent: 1700000000, pongReceived: 1700000001, ip: '127.0.0.1', port: 30002, cport: 40002, flags: NodeFlag.MASTER, pport: 0 },
    { nodename: ID3, pingSent: 0, pongReceived: 4294967295, ip: '2001:db8:85a3:8d3:1319:8a2e:370:7348', port: 65535, cport: 1, flags: NodeFlag.SLAVE | NodeFlag.PFAIL, pport: 6380 },
  ],
  extensions: [{ type: 0, hostname: 'node-1.example.com' }],
};

describe('cluster bus codec', () => {
  it('lays the header out at Redis 7.0 offsets, big-endian', () => {
    const m = message(MsgType.PING, ping, { slaveof: ID3, myip: '10.0.0.1', pport: 6379, state: 1, mflags: MsgFlag0.PAUSED });
    const b = encodeMessage(m);
    // 2 gossip entries, one hostname extension of 8 + 24 bytes (18 chars + NUL padded to 24).
    expect(b.length).toBe(HEADER_LEN + 2 * GOSSIP_LEN + 32);
    expect(b.toString('latin1', 0, 4)).toBe('RCmb');
    expect(b.readUInt32BE(4)).toBe(b.length);
    expect(b.readUInt16BE(8)).toBe(1);
    expect(b.readUInt16BE(10)).toBe(30001);
    expect(b.readUInt16BE(12)).toBe(MsgType.PING);
    expect(b.readUInt16BE(14)).toBe(2);
    expect(b.readBigUInt64BE(16)).toBe(7n);
    expect(b.readBigUInt64BE(24)).toBe(3n);
    expect(b.readBigUInt64BE(32)).toBe(123456789012n);
    expect(b.toString('latin1', 40, 80)).toBe(ID1);
    expect([b[80], b[80 + 682], b[80 + 2047]]).toEqual([0b111, 0b10000, 0x80]);
    expect(b.toString('latin1', 2128, 2168)).toBe(ID3);
    expect(b.toString('latin1', 2168, 2176)).toBe('10.0.0.1');
    expect(b[2176]).toBe(0);
    expect(b.readUInt16BE(2214)).toBe(1);
    expect(b.subarray(2216, 2246).every((x) => x === 0)).toBe(true);
    expect(b.readUInt16BE(2246)).toBe(6379);
    expect(b.readUInt16BE(2248)).toBe(40001);
    expect(b.readUInt16BE(2250)).toBe(NodeFlag.MASTER | NodeFlag.MYSELF);
    expect(b[2252]).toBe(1);
    // The extension flag is added because an extension is present.
    expect([b[2253], b[2254], b[2255]]).toEqual([MsgFlag0.PAUSED | MsgFlag0.EXT_DATA, 0, 0]);
    // Gossip entry 2 and the extension.
    const g = HEADER_LEN + GOSSIP_LEN;
    expect(b.toString('latin1', g, g + 40)).toBe(ID3);
    expect(b.readUInt32BE(g + 44)).toBe(4294967295);
    expect(b.toString('latin1', g + 48, g + 84)).toBe('2001:db8:85a3:8d3:1319:8a2e:370:7348');
    expect([b.readUInt16BE(g + 94), b.readUInt16BE(g + 96), b.readUInt16BE(g + 98), b.readUInt16BE(g + 100), b.readUInt16BE(g + 102)]).toEqual([65535, 1, 6, 6380, 0]);
    const e = g + GOSSIP_LEN;
    expect([b.readUInt32BE(e), b.readUInt16BE(e + 4), b.readUInt16BE(e + 6)]).toEqual([32, 0, 0]);
    expect(b.toString('latin1', e + 8, e + 32)).toBe('node-1.example.com\0\0\0\0\0\0');
  });

  const bodies: [string, number, BusBody][] = [
    ['PING', MsgType.PING, ping],
    ['PONG without gossip', MsgType.PONG, { kind: 'ping', gossip: [], extensions: [] }],
    ['MEET', MsgType.MEET, { kind: 'ping', gossip: ping.kind === 'ping' ? ping.gossip.slice(0, 1) : [], extensions: [] }],
    ['PING with an unknown extension', MsgType.PING, { kind: 'ping', gossip: [], extensions: [{ type: 9, data: Buffer.from('12345678abcdefgh') }, { type: 0, hostname: '' }] }],
    ['FAIL', MsgType.FAIL, { kind: 'fail', nodename: ID2 }],
    ['PUBLISH', MsgType.PUBLISH, { kind: 'publish', channel: 'news\x00\xff', message: 'hello\r\nworld' }],
    ['PUBLISHSHARD', MsgType.PUBLISHSHARD, { kind: 'publish', channel: '{a}ch', message: '' }],
    ['FAILOVER_AUTH_REQUEST', MsgType.FAILOVER_AUTH_REQUEST, { kind: 'none' }],
    ['FAILOVER_AUTH_ACK', MsgType.FAILOVER_AUTH_ACK, { kind: 'none' }],
    ['MFSTART', MsgType.MFSTART, { kind: 'none' }],
    ['UPDATE', MsgType.UPDATE, { kind: 'update', configEpoch: 42, nodename: ID3, slots: slots(100, 101, 9000) }],
    ['MODULE', MsgType.MODULE, { kind: 'module', moduleId: 0x0102030405060708n, moduleType: 200, payload: 'payload\x00' }],
    ['an unknown type', 77, { kind: 'unknown', data: Buffer.from('anything at all') }],
  ];
  it.each(bodies)('round-trips %s', (_, type, body) => {
    const m = message(type, body, type === MsgType.FAILOVER_AUTH_REQUEST ? { mflags: MsgFlag0.FORCEACK, slaveof: ID2, flags: NodeFlag.SLAVE } : {});
    const bytes = encodeMessage(m);
    const back = decodeMessage(bytes);
    const expected = body.kind === 'ping' && body.extensions.length > 0 ? { ...m, mflags: m.mflags | MsgFlag0.EXT_DATA } : m;
    expect(back).toEqual(expected);
    expect(encodeMessage(back).equals(bytes)).toBe(true);
  });

  it('sizes bodies like Redis computes explen', () => {
    const len = (type: number, body: BusBody) => encodeMessage(message(type, body)).length;
    expect(len(MsgType.FAIL, { kind: 'fail', nodename: ID2 })).toBe(2296);
    expect(len(MsgType.UPDATE, { kind: 'update', configEpoch: 1, nodename: ID2, slots: slots() })).toBe(4352);
    expect(len(MsgType.PUBLISH, { kind: 'publish', channel: 'ab', message: 'cde' })).toBe(2264 + 5);
    expect(len(MsgType.MODULE, { kind: 'module', moduleId: 1n, moduleType: 1, payload: 'xy' })).toBe(2269 + 2);
    expect(len(MsgType.MFSTART, { kind: 'none' })).toBe(2256);
    // Hostname extensions hold the name and a NUL, padded to 8 bytes.
    for (const [name, extLen] of [['', 16], ['abcdefg', 16], ['abcdefgh', 24], ['a'.repeat(15), 24], ['a'.repeat(16), 32]] as const) {
      expect(len(MsgType.PING, { kind: 'ping', gossip: [], extensions: [{ type: 0, hostname: name }] })).toBe(HEADER_LEN + extLen);
    }
  });

  it('refuses to encode what Redis could not send', () => {
    expect(() => encodeMessage(message(MsgType.FAIL, { kind: 'none' }))).toThrow(TypeError);
    expect(() => encodeMessage(message(MsgType.FAIL, { kind: 'fail', nodename: 'short' }))).toThrow(RangeError);
    expect(() => encodeMessage(message(MsgType.MFSTART, { kind: 'none' }, { myip: 'x'.repeat(46) }))).toThrow(RangeError);
    expect(() => encodeMessage(message(MsgType.MFSTART, { kind: 'none' }, { myslots: new Uint8Array(10) }))).toThrow(RangeError);
    expect(() => encodeMessage(message(MsgType.PING, { kind: 'ping', gossip: [], extensions: [{ type: 5, data: Buffer.from('abc') }] }))).toThrow(RangeError);
  });

  describe('drops what Redis 7.0 drops', () => {
    const good = () => encodeMessage(message(MsgType.PING, ping));
    // Appends bytes and keeps totlen right, so only the body check can object.
    const withTail = (b: Buffer, n: number) => {
      const out = Buffer.concat([b, Buffer.alloc(n)]);
      out.writeUInt32BE(out.length, 4);
      return out;
    };
    const cases: [string, () => Buffer][] = [
      ['a shorter buffer than a header', () => good().subarray(0, 2000)],
      ['a totlen that is not the buffer length', () => {
        const b = good();
        b.writeUInt32BE(b.length + 1, 4);
        return b;
      }],
      ['another protocol version', () => {
        const b = good();
        b.writeUInt16BE(2, 8);
        return b;
      }],
      ['more gossip entries than bytes', () => {
        const b = good();
        b.writeUInt16BE(40, 14);
        return b;
      }],
      ['extension bytes without the extension flag', () => {
        const b = good();
        b[2253] = 0;
        return b;
      }],
      ['an extension whose length is not a multiple of 8', () => {
        const b = good();
        b.writeUInt32BE(31, HEADER_LEN + 2 * GOSSIP_LEN);
        return b;
      }],
      ['an extension longer than the message', () => {
        const b = good();
        b.writeUInt32BE(40, HEADER_LEN + 2 * GOSSIP_LEN);
        return b;
      }],
      ['a FAIL with trailing bytes', () => withTail(encodeMessage(message(MsgType.FAIL, { kind: 'fail', nodename: ID2 })), 8)],
      ['a PUBLISH whose lengths disagree with totlen', () => {
        const b = encodeMessage(message(MsgType.PUBLISH, { kind: 'publish', channel: 'ch', message: 'msg' }));
        b.writeUInt32BE(4, HEADER_LEN + 4);
        return b;
      }],
      ['a header-only type with a body', () => withTail(encodeMessage(message(MsgType.FAILOVER_AUTH_ACK, { kind: 'none' })), 1)],
      ['an UPDATE cut short', () => {
        const b = encodeMessage(message(MsgType.UPDATE, { kind: 'update', configEpoch: 1, nodename: ID2, slots: slots() })).subarray(0, 3000);
        b.writeUInt32BE(b.length, 4);
        return b;
      }],
    ];
    it.each(cases)('%s', (_, make) => {
      expect(() => decodeMessage(make())).toThrow(BusDecodeError);
    });
  });
});

describe('bus framing', () => {
  const m1 = encodeMessage(message(MsgType.PING, ping));
  const m2 = encodeMessage(message(MsgType.PUBLISH, { kind: 'publish', channel: 'c', message: 'x'.repeat(5000) }));

  it('splits a stream fed one byte at a time', () => {
    const r = new BusFrameReader();
    const stream = Buffer.concat([m1, m2, m1]);
    const got: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) {
      r.push(stream.subarray(i, i + 1));
      for (let f = r.next(); f !== null; f = r.next()) got.push(f);
    }
    expect(got.map((b) => b.length)).toEqual([m1.length, m2.length, m1.length]);
    expect(Buffer.concat(got).equals(stream)).toBe(true);
    expect(r.pending).toBe(0);
  });

  it('splits messages sharing one chunk and keeps the tail', () => {
    const r = new BusFrameReader();
    r.push(Buffer.concat([m1, m2.subarray(0, 100)]));
    expect(r.next()!.equals(m1)).toBe(true);
    expect(r.next()).toBeNull();
    expect(r.pending).toBe(100);
    r.push(m2.subarray(100));
    expect(decodeMessage(r.next()!).body).toEqual({ kind: 'publish', channel: 'c', message: 'x'.repeat(5000) });
  });

  it('grows for a message bigger than its buffer and shrinks back', () => {
    const big = encodeMessage(message(MsgType.PUBLISH, { kind: 'publish', channel: 'c', message: 'y'.repeat(100000) }));
    const r = new BusFrameReader();
    const stream = Buffer.concat([m1, big, m1]);
    for (let i = 0; i < stream.length; i += 7000) r.push(stream.subarray(i, i + 7000));
    expect(r.next()!.equals(m1)).toBe(true);
    expect(r.next()!.equals(big)).toBe(true);
    expect(r.next()!.equals(m1)).toBe(true);
    expect(r.next()).toBeNull();
  });

  it('copies what it returns', () => {
    const r = new BusFrameReader();
    const chunk = Buffer.from(m1);
    r.push(chunk);
    const out = r.next()!;
    chunk.fill(0);
    expect(out.equals(m1)).toBe(true);
  });

  it('breaks the link on a bad signature, a short totlen or one over the limit', () => {
    const bad = Buffer.from(m1);
    bad.write('RCmx', 0, 'latin1');
    const short = Buffer.from(m1);
    short.writeUInt32BE(HEADER_LEN - 1, 4);
    for (const b of [bad, short]) {
      const r = new BusFrameReader();
      r.push(b.subarray(0, 8));
      expect(() => r.next()).toThrow(BusFramingError);
    }
    const r = new BusFrameReader(4096);
    r.push(m2.subarray(0, 8));
    expect(() => r.next()).toThrow(BusFramingError);
    const ok = new BusFrameReader(4096);
    ok.push(m1);
    expect(ok.next()!.length).toBe(m1.length);
  });
});

describe('slot bitmaps', () => {
  it('use Redis bit order: slot s is bit s%8 of byte s/8', () => {
    const b = new Uint8Array(SLOTS_BITMAP_LEN);
    bitmapSet(b, 0);
    bitmapSet(b, 9);
    bitmapSet(b, 16383);
    expect([b[0], b[1], b[2047]]).toEqual([1, 2, 128]);
    expect(bitmapTest(b, 9) && !bitmapTest(b, 8)).toBe(true);
    bitmapClear(b, 9);
    expect(b[1]).toBe(0);
  });
});
