// Streams over real sockets, Shoal beside redis-server 7.0: blocking XREAD / XREADGROUP woken by
// XADD, replies that carry the clock (compared with a tolerance), auto-generated IDs, keyspace
// events and the dirty counter per command, and the HELP replies' shape.

import { afterAll, describe, expect, it } from 'vitest';
import { RespConn, requireRedis, serverPair } from '../helpers/server.js';

const enabled = requireRedis();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!enabled)('streams live, beside redis-server', () => {
  const { shoal, redis } = serverPair();
  const open: RespConn[] = [];
  afterAll(() => {
    for (const c of open) c.close();
  });

  async function conn(port: number): Promise<RespConn> {
    const c = await RespConn.connect(port);
    open.push(c);
    return c;
  }

  /** One connection to each server. */
  async function pair(): Promise<[RespConn, RespConn]> {
    return Promise.all([conn(shoal.port), conn(redis.port)]);
  }

  async function both(s: RespConn, r: RespConn, ...argv: string[]): Promise<string> {
    const [a, b] = await Promise.all([s.call(...argv), r.call(...argv)]);
    expect(`${argv.join(' ')} => ${a}`).toBe(`${argv.join(' ')} => ${b}`);
    return a;
  }

  /** Wait until the server has n blocked clients. */
  async function blocked(c: RespConn, n: number): Promise<void> {
    for (let i = 0; i < 400; i++) {
      const info = await c.call('INFO', 'clients');
      if (new RegExp(`blocked_clients:${n}\\r\\n`).test(info)) return;
      await sleep(5);
    }
    throw new Error(`never ${n} blocked clients`);
  }

  it('XREAD BLOCK with $ is woken by XADD with the new entry only, like Redis (RESP2 and RESP3)', async () => {
    for (const proto of ['2', '3']) {
      const [s, r] = await pair();
      const [ws, wr] = await pair();
      const [ws2, wr2] = await pair();
      await both(s, r, 'DEL', 'bs', 'other');
      await both(s, r, 'XADD', 'bs', '1-1', 'old', 'x');
      for (const w of [ws, wr, ws2, wr2]) await w.call('HELLO', proto);
      ws.send('XREAD', 'BLOCK', '5000', 'STREAMS', 'other', 'bs', '$', '$');
      wr.send('XREAD', 'BLOCK', '5000', 'STREAMS', 'other', 'bs', '$', '$');
      ws2.send('XREAD', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 'bs', '0-5');
      wr2.send('XREAD', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 'bs', '0-5');
      await Promise.all([blocked(s, 1), blocked(r, 1)]);
      const [a2, b2] = await Promise.all([ws2.read(), wr2.read()]);
      expect(a2).toEqual(b2);
      await both(s, r, 'MULTI');
      await both(s, r, 'XADD', 'bs', '2-1', 'a', '1');
      await both(s, r, 'XADD', 'bs', '3-1', 'b', '2');
      await both(s, r, 'EXEC');
      const [a, b] = await Promise.all([ws.read(), wr.read()]);
      expect(a).toEqual(b);
      expect(a[0]).toContain('2-1');
      expect(a[0]).toContain('3-1');
    }
  });

  it('a blocked XREAD times out with a null array (RESP2 and RESP3)', async () => {
    for (const proto of ['2', '3']) {
      const [s, r] = await pair();
      await Promise.all([s.call('HELLO', proto), r.call('HELLO', proto)]);
      const t0 = Date.now();
      const got = await both(s, r, 'XREAD', 'BLOCK', '60', 'STREAMS', 'nothing', '$');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(50);
      expect(got).toBe(proto === '2' ? '*-1\r\n' : '_\r\n');
    }
  });

  it('XREADGROUP BLOCK is served new entries, records them as pending, and FIFO between waiters', async () => {
    const [s, r] = await pair();
    const [w1s, w1r] = await pair();
    const [w2s, w2r] = await pair();
    await both(s, r, 'DEL', 'gs');
    await both(s, r, 'XGROUP', 'CREATE', 'gs', 'g', '$', 'MKSTREAM');
    for (const [ws, wr, name] of [[w1s, w1r, 'c1'], [w2s, w2r, 'c2']] as const) {
      ws.send('XREADGROUP', 'GROUP', 'g', name, 'BLOCK', '5000', 'STREAMS', 'gs', '>');
      wr.send('XREADGROUP', 'GROUP', 'g', name, 'BLOCK', '5000', 'STREAMS', 'gs', '>');
    }
    await Promise.all([blocked(s, 2), blocked(r, 2)]);
    await both(s, r, 'XADD', 'gs', '1-1', 'a', '1');
    const [a, b] = await Promise.all([w1s.read(), w1r.read()]);
    expect(a).toEqual(b);
    await Promise.all([blocked(s, 1), blocked(r, 1)]);
    await both(s, r, 'XADD', 'gs', '2-1', 'b', '2');
    const [c, d] = await Promise.all([w2s.read(), w2r.read()]);
    expect(c).toEqual(d);
    expect(c[0]).toContain('2-1');
    await both(s, r, 'XPENDING', 'gs', 'g');
    await both(s, r, 'XINFO', 'GROUPS', 'gs');
  });

  it('destroying the group a client waits on, or deleting entries, answers like Redis', async () => {
    const [s, r] = await pair();
    const [ws, wr] = await pair();
    const [ns, nr] = await pair();
    await both(s, r, 'DEL', 'ds');
    await both(s, r, 'XGROUP', 'CREATE', 'ds', 'g', '$', 'MKSTREAM');
    await both(s, r, 'XGROUP', 'CREATE', 'ds', 'h', '$');
    ws.send('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '5000', 'STREAMS', 'ds', '>');
    wr.send('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '5000', 'STREAMS', 'ds', '>');
    ns.send('XREADGROUP', 'GROUP', 'h', 'c', 'NOACK', 'BLOCK', '5000', 'STREAMS', 'ds', '>');
    nr.send('XREADGROUP', 'GROUP', 'h', 'c', 'NOACK', 'BLOCK', '5000', 'STREAMS', 'ds', '>');
    await Promise.all([blocked(s, 2), blocked(r, 2)]);
    await both(s, r, 'XGROUP', 'DESTROY', 'ds', 'g');
    const [a, b] = await Promise.all([ws.read(), wr.read()]);
    expect(a).toEqual(b);
    expect(a[0]).toMatch(/^-NOGROUP /);
    await both(s, r, 'XADD', 'ds', 'MAXLEN', '0', '5-5', 'a', '1');
    const [c, d] = await Promise.all([ns.read(), nr.read()]);
    expect(c).toEqual(d);
    await both(s, r, 'XINFO', 'GROUPS', 'ds');
  });

  it('a reader woken without anything for it keeps its place in the queue', async () => {
    const [s, r] = await pair();
    const [as, ar] = await pair();
    const [bs, br] = await pair();
    for (const argv of [
      ['DEL', 'k1', 'k2'], ['XGROUP', 'CREATE', 'k1', 'g', '$', 'MKSTREAM'], ['XGROUP', 'CREATE', 'k1', 'other', '$'],
      ['XGROUP', 'CREATE', 'k2', 'g', '$', 'MKSTREAM'],
    ]) await both(s, r, ...argv);
    // A waits on k1 and k2, then B on k2, in the same group.
    as.send('XREADGROUP', 'GROUP', 'g', 'a', 'BLOCK', '5000', 'STREAMS', 'k1', 'k2', '>', '>');
    ar.send('XREADGROUP', 'GROUP', 'g', 'a', 'BLOCK', '5000', 'STREAMS', 'k1', 'k2', '>', '>');
    await Promise.all([blocked(s, 1), blocked(r, 1)]);
    bs.send('XREADGROUP', 'GROUP', 'g', 'b', 'BLOCK', '5000', 'STREAMS', 'k2', '>');
    br.send('XREADGROUP', 'GROUP', 'g', 'b', 'BLOCK', '5000', 'STREAMS', 'k2', '>');
    await Promise.all([blocked(s, 2), blocked(r, 2)]);
    // Destroying another group wakes k1's waiters, and A has nothing to read there.
    await both(s, r, 'XGROUP', 'DESTROY', 'k1', 'other');
    await both(s, r, 'XADD', 'k2', '1-1', 'f', 'v');
    const [a, b] = await Promise.all([as.read(), ar.read()]);
    expect(a).toEqual(b);
    expect(a[0]).toContain('1-1');
    await both(s, r, 'XADD', 'k2', '2-1', 'f', 'v');
    const [c, d] = await Promise.all([bs.read(), br.read()]);
    expect(c).toEqual(d);
    expect(c[0]).toContain('2-1');
  });

  it('XREADGROUP waiters get an error when their stream is deleted, replaced, flushed or swapped away; XREAD waiters keep waiting', async () => {
    const [s, r] = await pair();
    const [gs, gr] = await pair();
    const [xs, xr] = await pair();
    const ways: string[][][] = [
      [['DEL', 'gone']],
      [['SET', 'gone', 'v']],
      [['MULTI'], ['DEL', 'gone'], ['SADD', 'gone', 'e'], ['EXEC']],
      [['FLUSHALL']],
      [['SELECT', '4'], ['FLUSHDB'], ['LPUSH', 'gone', 'e'], ['SELECT', '0'], ['SWAPDB', '4', '0']],
      [['RESTORE', 'gone', '0', 'payload', 'REPLACE']],
    ];
    for (const way of ways) {
      await both(s, r, 'FLUSHALL');
      await both(s, r, 'XADD', 'gone', '1-1', 'f', 'v');
      if (way[0][0] === 'RESTORE') {
        // Replaced by a stream without the group: NOGROUP, as Redis serves it.
        const dump = await both(s, r, 'DUMP', 'gone');
        way[0][3] = dump.slice(dump.indexOf('\r\n') + 2, -2);
      }
      await both(s, r, 'XGROUP', 'CREATE', 'gone', 'g', '$');
      gs.send('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 'gone', '>');
      gr.send('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 'gone', '>');
      xs.send('XREAD', 'BLOCK', '0', 'STREAMS', 'gone', '$');
      xr.send('XREAD', 'BLOCK', '0', 'STREAMS', 'gone', '$');
      await Promise.all([blocked(s, 2), blocked(r, 2)]);
      for (const argv of way) await both(s, r, ...argv);
      const [a, b] = await Promise.all([gs.read(), gr.read()]);
      expect(`${way[0][0]}: ${a}`).toBe(`${way[0][0]}: ${b}`);
      expect(a[0]).toMatch(/^-(UNBLOCKED the stream key no longer exists|NOGROUP)/);
      await Promise.all([blocked(s, 1), blocked(r, 1)]);
      // The plain reader is still there, and a new stream under the name serves it.
      await both(s, r, 'DEL', 'gone');
      await both(s, r, 'XADD', 'gone', '9-9', 'f', 'v');
      const [c, d] = await Promise.all([xs.read(), xr.read()]);
      expect(c).toEqual(d);
      expect(c.join('')).toContain('9-9');
    }
  });

  it('CLIENT UNBLOCK ends the wait with a null reply or an error', async () => {
    const [s, r] = await pair();
    const [ws, wr] = await pair();
    const ids = await Promise.all([ws.call('CLIENT', 'ID'), wr.call('CLIENT', 'ID')]);
    for (const how of ['TIMEOUT', 'ERROR']) {
      ws.send('XREAD', 'BLOCK', '0', 'STREAMS', 'never', '$');
      wr.send('XREAD', 'BLOCK', '0', 'STREAMS', 'never', '$');
      await Promise.all([blocked(s, 1), blocked(r, 1)]);
      await Promise.all([s.call('CLIENT', 'UNBLOCK', ids[0].slice(1, -2), how), r.call('CLIENT', 'UNBLOCK', ids[1].slice(1, -2), how)]);
      const [a, b] = await Promise.all([ws.read(), wr.read()]);
      expect(a).toEqual(b);
    }
  });

  it('XADD * makes IDs from the clock, incrementing the sequence within a millisecond', async () => {
    const c = await conn(shoal.port);
    await c.call('DEL', 'auto');
    const before = Date.now();
    c.send(...['XADD', 'auto', '*', 'a', '1']);
    for (let i = 0; i < 50; i++) c.send('XADD', 'auto', '*', 'a', '1');
    const ids = (await c.read(51)).map((f) => f.split('\r\n')[1]);
    const after = Date.now();
    const parsed = ids.map((id) => id.split('-').map(Number));
    expect(parsed[0][0]).toBeGreaterThanOrEqual(before);
    expect(parsed[50][0]).toBeLessThanOrEqual(after);
    for (let i = 1; i < parsed.length; i++) {
      const [pm, ps] = parsed[i - 1];
      const [m, sq] = parsed[i];
      expect(m > pm || (m === pm && sq === ps + 1)).toBe(true);
    }
    // A last ID in the future keeps counting from it.
    await c.call('XADD', 'auto', `${after + 100000}-5`, 'a', '1');
    expect(await c.call('XADD', 'auto', '*', 'a', '1')).toBe(`$${String(after + 100000).length + 2}\r\n${after + 100000}-6\r\n`);
    expect(await c.call('XADD', 'auto', `${after + 100000}-*`, 'a', '1')).toBe(`$${String(after + 100000).length + 2}\r\n${after + 100000}-7\r\n`);
  });

  it('idle times, delivery and seen times agree with Redis within a tolerance', async () => {
    const [s, r] = await pair();
    const script = [
      ['DEL', 'ts'], ['XADD', 'ts', '1-1', 'a', '1'], ['XADD', 'ts', '2-1', 'b', '2'], ['XGROUP', 'CREATE', 'ts', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 'ts', '>'], ['XGROUP', 'CREATECONSUMER', 'ts', 'g', 'bob'],
    ];
    for (const argv of script) await both(s, r, ...argv);
    await sleep(120);
    const t0 = Date.now();
    await both(s, r, 'XCLAIM', 'ts', 'g', 'bob', '100', '2-1', 'JUSTID');
    // Every idle time is then above the threshold below which numbers are compared exactly.
    await sleep(60);
    const checks: string[][] = [
      ['XPENDING', 'ts', 'g', '-', '+', '10'], ['XPENDING', 'ts', 'g', 'IDLE', '100', '-', '+', '10'],
      ['XPENDING', 'ts', 'g', 'IDLE', '100', '-', '+', '10', 'bob'], ['XINFO', 'CONSUMERS', 'ts', 'g'], ['XINFO', 'STREAM', 'ts', 'FULL'],
      ['XCLAIM', 'ts', 'g', 'carol', '0', '1-1', 'IDLE', '500', 'JUSTID'], ['XPENDING', 'ts', 'g', 'IDLE', '400', '-', '+', '10'],
      ['XCLAIM', 'ts', 'g', 'carol', '0', '1-1', 'TIME', String(t0 - 1000), 'RETRYCOUNT', '9', 'JUSTID'],
      ['XPENDING', 'ts', 'g', '-', '+', '10', 'carol'],
    ];
    // Numbers that are clock readings (ms since the epoch) or elapsed times: compared loosely.
    const loose = (reply: string): { shape: string; times: number[] } => {
      const times: number[] = [];
      const shape = reply.replace(/:(\d+)\r\n/g, (m, n: string) => {
        const v = Number(n);
        if (v > 50) {
          times.push(v > 1e12 ? v - t0 : v);
          return ':T\r\n';
        }
        return m;
      });
      return { shape, times };
    };
    for (const argv of checks) {
      const [a, b] = await Promise.all([s.call(...argv), r.call(...argv)]);
      const la = loose(a);
      const lb = loose(b);
      expect(`${argv.join(' ')} => ${la.shape}`).toBe(`${argv.join(' ')} => ${lb.shape}`);
      expect(la.times.length).toBe(lb.times.length);
      // The two servers answer moments apart, which a loaded 2-core machine stretches to ~0.7 s.
      for (let i = 0; i < la.times.length; i++) expect(Math.abs(la.times[i] - lb.times[i])).toBeLessThan(1000);
    }
  });

  it('keyspace events and the dirty counter of each command match Redis', async () => {
    const [s, r] = await pair();
    const [subS, subR] = await pair();
    await both(s, r, 'CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    await Promise.all([subS.call('PSUBSCRIBE', '__keyevent@0__:*'), subR.call('PSUBSCRIBE', '__keyevent@0__:*')]);
    const script = [
      ['DEL', 'ev'], ['XADD', 'ev', '1-1', 'a', '1'], ['XADD', 'ev', 'MAXLEN', '1', '2-1', 'a', '1'], ['XADD', 'ev', 'MAXLEN', '5', '3-1', 'a', '1'],
      ['XADD', 'nope', 'NOMKSTREAM', '1-1', 'a', '1'], ['XTRIM', 'ev', 'MAXLEN', '0'], ['XTRIM', 'ev', 'MAXLEN', '0'], ['XADD', 'ev', '4-1', 'a', '1'],
      ['XADD', 'ev', '5-1', 'a', '1'], ['XDEL', 'ev', '4-1', '9-9'], ['XDEL', 'ev', '9-9'], ['XGROUP', 'CREATE', 'ev', 'g', '0'],
      ['XGROUP', 'CREATE', 'ev2', 'g', '0', 'MKSTREAM'], ['XGROUP', 'CREATECONSUMER', 'ev', 'g', 'c'], ['XGROUP', 'CREATECONSUMER', 'ev', 'g', 'c'],
      ['XREADGROUP', 'GROUP', 'g', 'd', 'STREAMS', 'ev', '>'], ['XREADGROUP', 'GROUP', 'g', 'd', 'STREAMS', 'ev', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'e', 'NOACK', 'STREAMS', 'ev', '0'], ['XCLAIM', 'ev', 'g', 'f', '0', '5-1'],
      ['XAUTOCLAIM', 'ev', 'g', 'h', '0', '0'], ['XACK', 'ev', 'g', '5-1'], ['XACK', 'ev', 'g', '5-1'], ['XGROUP', 'SETID', 'ev', 'g', '0'],
      ['XGROUP', 'DELCONSUMER', 'ev', 'g', 'c'], ['XGROUP', 'DELCONSUMER', 'ev', 'g', 'zz'], ['XGROUP', 'DESTROY', 'ev', 'g'],
      ['XGROUP', 'DESTROY', 'ev', 'g'], ['XSETID', 'ev', '99-0'], ['XCLAIM', 'ev', 'nog', 'c', '0', '1-1'], ['XADD', 'ev', 'x', 'a', '1'],
    ];
    const dirty = async (c: RespConn): Promise<number> => Number(/rdb_changes_since_last_save:(\d+)/.exec(await c.call('INFO', 'persistence'))![1]);
    for (const argv of script) {
      const [ds, dr] = await Promise.all([dirty(s), dirty(r)]);
      await both(s, r, ...argv);
      const [ds2, dr2] = await Promise.all([dirty(s), dirty(r)]);
      expect(`${argv.join(' ')}: dirty +${ds2 - ds}`).toBe(`${argv.join(' ')}: dirty +${dr2 - dr}`);
    }
    const drain = async (c: RespConn): Promise<string[]> => {
      const out: string[] = [];
      for (;;) {
        const [f] = await c.read();
        out.push(f);
        if (f.includes('__keyevent@0__:del')) break;
      }
      return out;
    };
    await both(s, r, 'DEL', 'ev2');
    const [es, er] = await Promise.all([drain(subS), drain(subR)]);
    await both(s, r, 'CONFIG', 'SET', 'notify-keyspace-events', '');
    expect(es).toEqual(er);
    expect(es.join('')).toContain('xgroup-createconsumer');
  });

  it('keyspace hits and misses of each command match Redis', async () => {
    const [s, r] = await pair();
    const stat = async (c: RespConn): Promise<string> => {
      const info = await c.call('INFO', 'stats');
      return `${/keyspace_hits:(\d+)/.exec(info)![1]}/${/keyspace_misses:(\d+)/.exec(info)![1]}`;
    };
    const script = [
      ['DEL', 'hs', 'no'], ['XADD', 'hs', '1-1', 'a', '1'], ['XADD', 'hs', '2-1', 'a', '1'], ['XLEN', 'hs'], ['XLEN', 'no'], ['XRANGE', 'hs', '-', '+'],
      ['XRANGE', 'no', '-', '+'], ['XREVRANGE', 'hs', '+', '-'], ['XREAD', 'STREAMS', 'hs', 'no', '0', '0'], ['XREAD', 'STREAMS', 'hs', '9-9'],
      ['XGROUP', 'CREATE', 'hs', 'g', '0'], ['XGROUP', 'CREATE', 'no', 'g', '0'], ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'hs', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'hs', '0'], ['XACK', 'hs', 'g', '1-1'], ['XACK', 'no', 'g', '1-1'], ['XPENDING', 'hs', 'g'],
      ['XPENDING', 'no', 'g'], ['XCLAIM', 'hs', 'g', 'd', '0', '2-1'], ['XAUTOCLAIM', 'hs', 'g', 'e', '0', '0'], ['XAUTOCLAIM', 'no', 'g', 'e', '0', '0'],
      ['XINFO', 'STREAM', 'hs'], ['XINFO', 'STREAM', 'no'], ['XINFO', 'GROUPS', 'hs'], ['XINFO', 'CONSUMERS', 'hs', 'g'], ['XDEL', 'hs', '1-1'],
      ['XTRIM', 'no', 'MAXLEN', '0'], ['XSETID', 'hs', '99-0'], ['XGROUP', 'DESTROY', 'hs', 'g'], ['XADD', 'no', 'NOMKSTREAM', '1-1', 'a', '1'],
    ];
    for (const argv of script) {
      const [a0, b0] = await Promise.all([stat(s), stat(r)]);
      await Promise.all([s.call(...argv), r.call(...argv)]);
      const [a1, b1] = await Promise.all([stat(s), stat(r)]);
      const delta = (x: string, y: string): string => x.split('/').map((v, i) => Number(y.split('/')[i]) - Number(v)).join('/');
      expect(`${argv.join(' ')}: ${delta(a0, a1)}`).toBe(`${argv.join(' ')}: ${delta(b0, b1)}`);
    }
  });

  it('XGROUP HELP and XINFO HELP list the same subcommand syntax as Redis', async () => {
    const [s, r] = await pair();
    for (const help of [['XGROUP', 'HELP'], ['XINFO', 'HELP']]) {
      const [cmd] = help;
      const [a, b] = await Promise.all([s.call(...help), r.call(...help)]);
      const syntax = (reply: string): string[] => reply.split('\r\n').filter((l) => /^\+[A-Z]/.test(l));
      expect(a.split('\r\n')[0]).toBe(b.split('\r\n')[0]);
      expect(syntax(a)).toEqual(syntax(b));
      await both(s, r, cmd, 'HELP', 'extra');
    }
  });
});
