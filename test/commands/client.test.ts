import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RespConn, requireRedis, startRedis, startShoal, type RunningServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Parse a CLIENT INFO / LIST line into [field, value] pairs, in order. */
function fields(line: string): [string, string][] {
  return line.trim().split(' ').map((kv) => {
    const eq = kv.indexOf('=');
    return [kv.slice(0, eq), kv.slice(eq + 1)];
  });
}

/** The text of a bulk (RESP2) or verbatim (RESP3) reply. */
function text(frame: string): string {
  const body = frame.slice(frame.indexOf('\r\n') + 2, -2);
  return frame[0] === '=' ? body.slice(4) : body;
}

async function clientId(c: RespConn): Promise<number> {
  return Number((await c.call('CLIENT', 'ID')).slice(1, -2));
}

async function clientAddr(c: RespConn): Promise<string> {
  return new Map(fields(text(await c.call('CLIENT', 'INFO')))).get('addr')!;
}

describe('CLIENT LIST / INFO', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startShoal();
  });
  afterAll(() => s.stop());

  it('describes each connection with honest values', async () => {
    const a = await RespConn.connect(s.port);
    const b = await RespConn.connect(s.port);
    expect(await b.call('CLIENT', 'SETNAME', 'bee')).toBe('+OK\r\n');
    expect(await b.call('SELECT', '5')).toBe('+OK\r\n');
    const aid = await clientId(a);
    const bid = await clientId(b);
    const list = text(await a.call('CLIENT', 'LIST'));
    expect(list.endsWith('\n')).toBe(true);
    const lines = list.trimEnd().split('\n').map((l) => new Map(fields(l)));
    const la = lines.find((l) => l.get('id') === String(aid))!;
    const lb = lines.find((l) => l.get('id') === String(bid))!;
    expect(la.get('cmd')).toBe('client|list');
    expect(la.get('argv-mem')).toBe('10');
    // The caller's query buffer still holds the command running, as in Redis: 26 bytes of
    // *2 $6 client $4 list; another idle client's holds nothing.
    expect(la.get('qbuf')).toBe('26');
    expect(lb.get('qbuf')).toBe('0');
    expect(la.get('addr')).toBe(`127.0.0.1:${a.socket.localPort}`);
    expect(la.get('laddr')).toBe(`127.0.0.1:${s.port}`);
    expect(Number(la.get('fd'))).toBeGreaterThan(2);
    expect(lb.get('name')).toBe('bee');
    expect(lb.get('db')).toBe('5');
    expect(lb.get('cmd')).toBe('client|id');
    expect(lb.get('argv-mem')).toBe('0');
    expect(lb.get('flags')).toBe('N');
    expect(lb.get('multi')).toBe('-1');
    expect(lb.get('user')).toBe('default');
    expect(lb.get('resp')).toBe('2');
    // ID filter, in the order asked, unknown IDs skipped.
    const byId = text(await a.call('CLIENT', 'LIST', 'ID', String(bid), '999999', String(aid)));
    expect(byId.split('\n').filter((l) => l !== '').map((l) => fields(l)[0][1])).toEqual([String(bid), String(aid)]);
    expect(text(await a.call('CLIENT', 'LIST', 'TYPE', 'NORMAL')).split('\n').length).toBe(lines.length + 1);
    a.close();
    b.close();
  });

  it('counts subscriptions and shows subscribers as type pubsub', async () => {
    const a = await RespConn.connect(s.port);
    const sub = await RespConn.connect(s.port);
    const sid = await clientId(sub);
    sub.send('SUBSCRIBE', 'c1', 'c2');
    sub.send('PSUBSCRIBE', 'p*');
    await sub.read(3);
    const line = new Map(fields(text(await a.call('CLIENT', 'LIST', 'TYPE', 'pubsub'))));
    expect(line.get('id')).toBe(String(sid));
    expect(line.get('flags')).toBe('P');
    expect([line.get('sub'), line.get('psub'), line.get('ssub')]).toEqual(['2', '1', '0']);
    expect(await a.call('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBe(':1\r\n');
    await sub.waitClosed();
    a.close();
  });

  it('shows a transaction as flags x with its queue size and memory', async () => {
    const a = await RespConn.connect(s.port);
    const t = await RespConn.connect(s.port);
    const tid = await clientId(t);
    await t.call('MULTI');
    await t.call('GET', 'k');
    await t.call('SET', 'k', '2');
    const line = new Map(fields(text(await a.call('CLIENT', 'LIST', 'ID', String(tid)))));
    expect(line.get('flags')).toBe('x');
    expect(line.get('multi')).toBe('2');
    // As Redis counts it: argument bytes plus a pointer per argument (4 + 2*8, 5 + 3*8).
    expect(line.get('multi-mem')).toBe('49');
    a.close();
    t.close();
  });

  it('is a verbatim string in RESP3', async () => {
    const a = await RespConn.connect(s.port);
    await a.call('HELLO', '3');
    const info = await a.call('CLIENT', 'INFO');
    expect(info.startsWith('=')).toBe(true);
    expect(info.slice(info.indexOf('\r\n') + 2, info.indexOf('\r\n') + 6)).toBe('txt:');
    expect(text(info)).toMatch(/ resp=3\n$/);
    a.close();
  });

  it('shows a MONITOR client as O and idle time growing', async () => {
    const a = await RespConn.connect(s.port);
    const m = await RespConn.connect(s.port);
    const mid = await clientId(m);
    await m.call('MONITOR');
    await sleep(1100);
    const line = new Map(fields(text(await a.call('CLIENT', 'LIST', 'ID', String(mid)))));
    expect(line.get('flags')).toBe('O');
    expect(Number(line.get('idle'))).toBeGreaterThanOrEqual(1);
    expect(Number(line.get('age'))).toBeGreaterThanOrEqual(1);
    a.close();
    m.close();
  });

  const haveRedis = requireRedis();
  it.skipIf(!haveRedis)('has the same fields, in the same order, as redis-server 7.0', async () => {
    const redis = await startRedis();
    try {
      const names = async (port: number) => {
        const c = await RespConn.connect(port);
        const line = text(await c.call('CLIENT', 'INFO'));
        c.close();
        return fields(line).map(([k]) => k);
      };
      expect(await names(s.port)).toEqual(await names(redis.port));
    } finally {
      await redis.stop();
    }
  });
});

describe('CLIENT KILL', () => {
  // A server per test: kill counts must not see connections other tests are still closing.
  let s: RunningServer;
  beforeEach(async () => {
    s = await startShoal();
  });
  afterEach(() => s.stop());

  it('old form by address replies OK and closes that client', async () => {
    const a = await RespConn.connect(s.port);
    const b = await RespConn.connect(s.port);
    const addr = await clientAddr(b);
    expect(await a.call('CLIENT', 'KILL', addr)).toBe('+OK\r\n');
    await b.waitClosed();
    expect(await a.call('CLIENT', 'KILL', addr)).toBe('-ERR No such client\r\n');
    a.close();
  });

  it('old form may kill the caller itself, after its reply', async () => {
    const a = await RespConn.connect(s.port);
    expect(await a.call('CLIENT', 'KILL', await clientAddr(a))).toBe('+OK\r\n');
    await a.waitClosed();
  });

  it('filters ID, ADDR, LADDR, TYPE, USER, SKIPME and counts the kills', async () => {
    const a = await RespConn.connect(s.port);
    const b = await RespConn.connect(s.port);
    const c = await RespConn.connect(s.port);
    const d = await RespConn.connect(s.port);
    expect(await a.call('CLIENT', 'KILL', 'ID', String(await clientId(b)))).toBe(':1\r\n');
    await b.waitClosed();
    expect(await a.call('CLIENT', 'KILL', 'ADDR', await clientAddr(c), 'TYPE', 'pubsub')).toBe(':0\r\n');
    expect(await a.call('CLIENT', 'KILL', 'ADDR', await clientAddr(c), 'type', 'normal')).toBe(':1\r\n');
    await c.waitClosed();
    // LADDR matches every client on this port but the caller (SKIPME defaults to yes).
    expect(await a.call('CLIENT', 'KILL', 'LADDR', `127.0.0.1:${s.port}`, 'USER', 'default')).toBe(':1\r\n');
    await d.waitClosed();
    expect(await a.call('PING')).toBe('+PONG\r\n');
    expect(await a.call('CLIENT', 'KILL', 'ID', String(await clientId(a)), 'SKIPME', 'no')).toBe(':1\r\n');
    await a.waitClosed();
  });

  it('MAXAGE kills only connections at least that many seconds old', async () => {
    const old = await RespConn.connect(s.port);
    await sleep(2100);
    const young = await RespConn.connect(s.port);
    expect(await young.call('CLIENT', 'KILL', 'MAXAGE', '2')).toBe(':1\r\n');
    await old.waitClosed();
    expect(await young.call('CLIENT', 'KILL', 'MAXAGE', '0')).toBe('-ERR maxage should be greater than 0\r\n');
    expect(await young.call('CLIENT', 'KILL', 'MAXAGE', 'x')).toBe('-ERR maxage is not an integer or out of range\r\n');
    young.close();
  });
});

describe('CLIENT PAUSE', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startShoal();
  });
  afterAll(() => s.stop());

  it('WRITE holds writes (and what follows them) but not reads, then runs them in order', async () => {
    const admin = await RespConn.connect(s.port);
    const writer = await RespConn.connect(s.port);
    const reader = await RespConn.connect(s.port);
    expect(await admin.call('CLIENT', 'PAUSE', '400', 'WRITE')).toBe('+OK\r\n');
    const start = Date.now();
    writer.send('SET', 'k', '1');
    writer.send('GET', 'k');
    expect(await reader.call('GET', 'k')).toBe('$-1\r\n');
    expect(await reader.call('PING')).toBe('+PONG\r\n');
    const info = new Map(fields(text(await reader.call('CLIENT', 'LIST', 'ID', String((await clientId(reader)) - 1)))));
    expect(info.get('flags')).toBe('b');
    expect(info.get('argv-mem')).toBe('5');
    expect(await writer.read(2)).toEqual(['+OK\r\n', '$1\r\n1\r\n']);
    expect(Date.now() - start).toBeGreaterThanOrEqual(350);
    admin.close();
    writer.close();
    reader.close();
  });

  it('WRITE holds PUBLISH and PFCOUNT too: they may add to the replication stream', async () => {
    const admin = await RespConn.connect(s.port);
    const a = await RespConn.connect(s.port);
    const b = await RespConn.connect(s.port);
    await admin.call('PFADD', 'hll', 'x');
    expect(await admin.call('CLIENT', 'PAUSE', '100000', 'WRITE')).toBe('+OK\r\n');
    a.send('PFCOUNT', 'hll');
    b.send('PUBLISH', 'ch', 'm');
    await until('both held', async () => /blocked_clients:2\r\n/.test(await admin.call('INFO', 'clients')), 2000);
    expect(await admin.call('CLIENT', 'UNPAUSE')).toBe('+OK\r\n');
    expect(await a.read(1)).toEqual([':1\r\n']);
    expect(await b.read(1)).toEqual([':0\r\n']);
    admin.close();
    a.close();
    b.close();
  });

  it('ALL holds every command until the timeout', async () => {
    const admin = await RespConn.connect(s.port);
    const other = await RespConn.connect(s.port);
    expect(await admin.call('CLIENT', 'PAUSE', '300')).toBe('+OK\r\n');
    const start = Date.now();
    expect(await other.call('PING')).toBe('+PONG\r\n');
    expect(Date.now() - start).toBeGreaterThanOrEqual(250);
    admin.close();
    other.close();
  });

  it('a zero timeout pauses nothing', async () => {
    const c = await RespConn.connect(s.port);
    expect(await c.call('CLIENT', 'PAUSE', '0', 'WRITE')).toBe('+OK\r\n');
    const start = Date.now();
    expect(await c.call('SET', 'z', '1')).toBe('+OK\r\n');
    expect(Date.now() - start).toBeLessThan(100);
    c.close();
  });

  it('CLIENT UNPAUSE releases held clients at once', async () => {
    const admin = await RespConn.connect(s.port);
    const writer = await RespConn.connect(s.port);
    expect(await admin.call('CLIENT', 'PAUSE', '60000', 'WRITE')).toBe('+OK\r\n');
    writer.send('INCR', 'n');
    await sleep(100);
    await expect(writer.read(1, 50)).rejects.toThrow(/timeout/);
    const start = Date.now();
    expect(await admin.call('CLIENT', 'UNPAUSE')).toBe('+OK\r\n');
    expect(await writer.read(1)).toEqual([':1\r\n']);
    expect(Date.now() - start).toBeLessThan(1000);
    admin.close();
    writer.close();
  });

  it('holds the dataset still: expired keys read as missing but are not deleted', async () => {
    const c = await RespConn.connect(s.port);
    const admin = await RespConn.connect(s.port);
    expect(await c.call('FLUSHALL')).toBe('+OK\r\n');
    expect(await c.call('SET', 'tmp', 'v', 'PX', '50')).toBe('+OK\r\n');
    expect(await admin.call('CLIENT', 'PAUSE', '60000', 'WRITE')).toBe('+OK\r\n');
    await sleep(300);
    expect(await c.call('GET', 'tmp')).toBe('$-1\r\n');
    expect(await c.call('DBSIZE')).toBe(':1\r\n');
    expect(await admin.call('CLIENT', 'UNPAUSE')).toBe('+OK\r\n');
    expect(await c.call('GET', 'tmp')).toBe('$-1\r\n');
    expect(await c.call('DBSIZE')).toBe(':0\r\n');
    c.close();
    admin.close();
  });

  it('WRITE holds a write queued in MULTI, and an EXEC whose queue writes', async () => {
    const admin = await RespConn.connect(s.port);
    const early = await RespConn.connect(s.port);
    const late = await RespConn.connect(s.port);
    expect(await early.call('MULTI')).toBe('+OK\r\n');
    expect(await early.call('INCR', 'm')).toBe('+QUEUED\r\n');
    expect(await late.call('MULTI')).toBe('+OK\r\n');
    expect(await admin.call('CLIENT', 'PAUSE', '60000', 'WRITE')).toBe('+OK\r\n');
    expect(await late.call('GET', 'm')).toBe('+QUEUED\r\n');
    late.send('INCR', 'm');
    early.send('EXEC');
    await sleep(100);
    await expect(late.read(1, 20)).rejects.toThrow(/timeout/);
    await expect(early.read(1, 20)).rejects.toThrow(/timeout/);
    expect(await admin.call('CLIENT', 'UNPAUSE')).toBe('+OK\r\n');
    expect(await late.read(1)).toEqual(['+QUEUED\r\n']);
    expect(await early.read(1)).toEqual(['*1\r\n:1\r\n']);
    expect(await late.call('EXEC')).toBe('*2\r\n$1\r\n1\r\n:2\r\n');
    admin.close();
    early.close();
    late.close();
  });

  it('a held client that disconnects is forgotten', async () => {
    const admin = await RespConn.connect(s.port);
    const gone = await RespConn.connect(s.port);
    const stays = await RespConn.connect(s.port);
    expect(await admin.call('CLIENT', 'PAUSE', '60000', 'WRITE')).toBe('+OK\r\n');
    gone.send('SET', 'gone', '1');
    stays.send('SET', 'stays', '1');
    await sleep(100);
    gone.close();
    await sleep(100);
    expect(await admin.call('CLIENT', 'UNPAUSE')).toBe('+OK\r\n');
    expect(await stays.read(1)).toEqual(['+OK\r\n']);
    expect(await admin.call('EXISTS', 'gone', 'stays')).toBe(':1\r\n');
    admin.close();
    stays.close();
  });
});

describe.skipIf(!requireRedis())('CLIENT PAUSE against redis-server', () => {
  it('a held command keeps its CLIENT REPLY SKIP, and everything runs in order', async () => {
    const run = async (s: RunningServer): Promise<string[]> => {
      const admin = await RespConn.connect(s.port);
      const writer = await RespConn.connect(s.port);
      expect(await admin.call('CLIENT', 'PAUSE', '60000', 'WRITE')).toBe('+OK\r\n');
      writer.send('CLIENT', 'REPLY', 'SKIP');
      writer.send('SET', 'k', '1');
      writer.send('ECHO', 'x');
      writer.send('GET', 'k');
      await sleep(200);
      await expect(writer.read(1, 20)).rejects.toThrow(/timeout/);
      expect(await admin.call('CLIENT', 'UNPAUSE')).toBe('+OK\r\n');
      const out = await writer.read(2);
      admin.close();
      writer.close();
      return out;
    };
    const [shoal, redis] = await Promise.all([startShoal(), startRedis()]);
    try {
      const [got, want] = await Promise.all([run(shoal), run(redis)]);
      expect(got).toEqual(want);
      expect(got).toEqual(['$1\r\nx\r\n', '$1\r\n1\r\n']);
    } finally {
      await Promise.all([shoal.stop(), redis.stop()]);
    }
  });
});

describe('CLIENT UNBLOCK', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startShoal();
  });
  afterAll(() => s.stop());

  // Waking clients blocked on keys is tested with the blocking list commands.
  it('does not wake a command CLIENT PAUSE holds', async () => {
    const a = await RespConn.connect(s.port);
    const b = await RespConn.connect(s.port);
    const bid = String(await clientId(b));
    expect(await a.call('CLIENT', 'UNBLOCK', bid)).toBe(':0\r\n');
    expect(await a.call('CLIENT', 'PAUSE', '60000', 'WRITE')).toBe('+OK\r\n');
    b.send('SET', 'x', '1');
    await sleep(50);
    expect(await a.call('CLIENT', 'UNBLOCK', bid)).toBe(':0\r\n');
    expect(await a.call('CLIENT', 'UNPAUSE')).toBe('+OK\r\n');
    expect(await b.read(1)).toEqual(['+OK\r\n']);
    a.close();
    b.close();
  });
});

describe('timeout directive', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startShoal(['--timeout', '1']);
  });
  afterAll(() => s.stop());

  it('closes idle clients after the timeout, but not MONITOR, subscribed or busy ones', async () => {
    const idle = await RespConn.connect(s.port);
    const busy = await RespConn.connect(s.port);
    const mon = await RespConn.connect(s.port);
    const sub = await RespConn.connect(s.port);
    expect(await mon.call('MONITOR')).toBe('+OK\r\n');
    expect(await sub.call('SUBSCRIBE', 'ch')).toBe('*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n');
    expect(await idle.call('PING')).toBe('+PONG\r\n');
    const start = Date.now();
    while (!idle.closed && Date.now() - start < 4000) {
      await busy.call('ECHO', 'alive');
      await sleep(200);
    }
    expect(idle.closed).toBe(true);
    // More than one whole second of idleness, as Redis counts it.
    expect(Date.now() - start).toBeGreaterThanOrEqual(900);
    expect(busy.closed).toBe(false);
    expect(mon.closed).toBe(false);
    expect(sub.closed).toBe(false);
    busy.close();
    mon.close();
    sub.close();
  });
});
