// Client-side caching (CLIENT TRACKING) compared with a real redis-server: each scenario runs the
// same steps against both over real sockets, and the frames every connection received (RESP3
// pushes, RESP2 __redis__:invalidate messages, replies) must be the same bytes, in the same order.

import { once } from 'node:events';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { differential } from '../helpers/differential.js';
import { RespConn, requireRedis, serverPair, startShoal, type RunningServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const PONG = new Set(['+PONG\r\n', '*2\r\n$4\r\npong\r\n$0\r\n\r\n', '>2\r\n$4\r\npong\r\n$0\r\n\r\n']);

/** What a connection received before the reply to a PING sent now (pushes already queued). */
async function drain(c: RespConn): Promise<string[]> {
  c.send('PING');
  const out: string[] = [];
  for (;;) {
    const [f] = await c.read(1);
    if (PONG.has(f)) return out;
    out.push(f);
  }
}

async function clientId(c: RespConn): Promise<string> {
  return (await c.call('CLIENT', 'ID')).slice(1, -2);
}

/** Until the server has let go of client `id` (asked over connection w). */
async function gone(w: RespConn, id: string): Promise<void> {
  await until(`client ${id} gone`, async () => (await w.call('CLIENT', 'LIST', 'ID', id)) === '$0\r\n\r\n', 5000, 10);
}

/** A scenario: gets a connection opener, returns a transcript (ids left out, they differ). */
type Scenario = (open: (resp?: 2 | 3) => Promise<RespConn>) => Promise<string[]>;

async function run(port: number, scenario: Scenario): Promise<string[]> {
  const conns: RespConn[] = [];
  const setup = await RespConn.connect(port);
  await setup.call('FLUSHALL');
  await setup.call('CONFIG', 'SET', 'tracking-table-max-keys', '1000000');
  setup.close();
  const open = async (resp: 2 | 3 = 2): Promise<RespConn> => {
    const c = await RespConn.connect(port);
    conns.push(c);
    if (resp === 3) await c.call('HELLO', '3');
    return c;
  };
  try {
    return await scenario(open);
  } finally {
    for (const c of conns) c.close();
  }
}

const enabled = requireRedis();

describe.skipIf(!enabled)('CLIENT TRACKING against redis-server', () => {
  const { shoal, redis } = serverPair();

  async function same(scenario: Scenario): Promise<string[]> {
    const got = await run(shoal.port, scenario);
    const want = await run(redis.port, scenario);
    expect(got).toEqual(want);
    return got;
  }

  it('RESP3: keys read are invalidated on the connection itself, once', async () => {
    const t = await same(async (open) => {
      const c = await open(3);
      const w = await open();
      const out = [await c.call('CLIENT', 'TRACKING', 'ON')];
      await w.call('MSET', 'a', '1', 'b', '2');
      out.push(await c.call('MGET', 'a', 'b', 'nokey'));
      await w.call('INCR', 'a');
      await w.call('INCR', 'a'); // forgotten after the first invalidation
      await w.call('DEL', 'b', 'nokey');
      out.push(...(await drain(c)));
      out.push(await c.call('CLIENT', 'TRACKINGINFO'));
      return out;
    });
    expect(t).toContain('>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\na\r\n');
  });

  it('RESP3: a write of the tracking client itself is invalidated after its reply, unless NOLOOP', async () => {
    const t = await same(async (open) => {
      const c = await open(3);
      const out = [await c.call('CLIENT', 'TRACKING', 'ON')];
      await c.call('SET', 'k', 'v');
      await c.call('GET', 'k');
      c.send('SET', 'k', 'w');
      out.push(...(await c.read(2)));
      await c.call('HSET', 'h', 'f', '1');
      await c.call('HGET', 'h', 'f');
      c.send('MULTI');
      c.send('HDEL', 'h', 'f');
      c.send('GET', 'k');
      c.send('EXEC');
      out.push(...(await c.read(5)));
      out.push(await c.call('CLIENT', 'TRACKING', 'ON', 'NOLOOP'));
      await c.call('GET', 'k');
      out.push(await c.call('SET', 'k', 'x'));
      out.push(...(await drain(c)));
      return out;
    });
    expect(t.slice(1, 3)).toEqual(['+OK\r\n', '>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n']);
  });

  it('RESP2 REDIRECT: __redis__:invalidate messages to the subscribed redirect client', async () => {
    const t = await same(async (open) => {
      const r = await open();
      const id = await clientId(r);
      const out = [await r.call('SUBSCRIBE', '__redis__:invalidate')];
      const c = await open();
      const w = await open();
      out.push(await c.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', id));
      await w.call('MSET', 'a{t}', '1', 'b{t}', '2', 'c{t}', '3');
      await c.call('MGET', 'a{t}', 'b{t}');
      await c.call('HELLO', '3'); // the keys stay redirected after a protocol switch
      await w.call('MSET', 'b{t}', '1', 'a{t}', '2', 'c{t}', '3');
      out.push(...(await drain(r)));
      out.push(await c.call('CLIENT', 'GETREDIR') === `:${id}\r\n` ? 'getredir ok' : 'getredir wrong');
      return out;
    });
    expect(t).toContain('*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$4\r\nb{t}\r\n');
  });

  it('RESP2: a client redirecting to itself gets messages once subscribed', async () => {
    const t = await same(async (open) => {
      const c = await open();
      const w = await open();
      const out = [await c.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', await clientId(c))];
      await c.call('GET', 'k');
      out.push(await c.call('SUBSCRIBE', '__redis__:invalidate'));
      await w.call('SET', 'k', '1');
      out.push(...(await drain(c)));
      return out;
    });
    expect(t).toHaveLength(3);
  });

  it('FLUSHALL and FLUSHDB send one null invalidation and empty the table', async () => {
    await same(async (open) => {
      const r = await open();
      const id = await clientId(r);
      await r.call('SUBSCRIBE', '__redis__:invalidate');
      const c = await open();
      const c3 = await open(3);
      const w = await open();
      await c.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', id);
      await c3.call('CLIENT', 'TRACKING', 'ON');
      await c.call('GET', 'k1');
      await c3.call('GET', 'k2');
      const out = [await w.call('INFO', 'stats')].map((s) => s.split('\r\n').filter((l) => l.startsWith('tracking_total_')).join(','));
      await w.call('FLUSHALL');
      await w.call('SELECT', '9');
      await w.call('FLUSHDB');
      out.push(...(await drain(r)), ...(await drain(c3)));
      out.push((await w.call('INFO', 'stats')).split('\r\n').filter((l) => l.startsWith('tracking_total_')).join(','));
      // Its own flush in a transaction: the null follows the EXEC reply.
      await c3.call('GET', 'k2');
      c3.send('MULTI');
      c3.send('FLUSHDB');
      c3.send('EXEC');
      out.push(...(await c3.read(4)));
      return out;
    });
  });

  it('BCAST: changed keys per prefix, once per event-loop turn, NOLOOP honoured', async () => {
    const t = await same(async (open) => {
      const r = await open();
      const id = await clientId(r);
      await r.call('SUBSCRIBE', '__redis__:invalidate');
      const c = await open();
      const out = [await c.call('CLIENT', 'TRACKING', 'ON', 'BCAST', 'REDIRECT', id, 'PREFIX', 'b:', 'PREFIX', 'a:')];
      c.send('MULTI');
      for (const k of ['a:2', 'b:1', 'a:1', 'c:1', 'b:2']) c.send('INCR', k);
      c.send('EXEC');
      await c.read(7);
      out.push(...(await drain(r)));
      out.push(await c.call('CLIENT', 'TRACKING', 'ON', 'BCAST', 'REDIRECT', id, 'PREFIX', 'c:'));
      await c.call('INCR', 'c:1');
      out.push(...(await drain(r)));
      out.push((await c.call('CLIENT', 'TRACKINGINFO')).replace(`:${id}\r\n`, ':ID\r\n'));
      out.push(await c.call('CLIENT', 'TRACKING', 'OFF'));
      out.push(await c.call('CLIENT', 'TRACKING', 'ON', 'BCAST', 'REDIRECT', id, 'NOLOOP'));
      const w = await open();
      await c.call('SET', 'mine', '1');
      await w.call('SET', 'theirs', '1');
      out.push(...(await drain(r)));
      // A script's writes are its own pseudo-client's in Redis: NOLOOP does not hide them.
      await c.call('EVAL', "redis.call('set', KEYS[1], '1')", '1', 'byscript');
      out.push(...(await drain(r)));
      // An expired key was changed by nobody: NOLOOP clients hear of it too.
      await c.call('SET', 'gone', '1', 'PX', '1');
      await sleep(250);
      out.push(...(await drain(r)));
      const info = await w.call('INFO');
      out.push(...info.split('\r\n').filter((l) => l.startsWith('tracking_')));
      return out;
    });
    expect(t).toContain('*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*2\r\n$3\r\na:1\r\n$3\r\na:2\r\n');
  });

  it('OPTIN and OPTOUT follow CLIENT CACHING for the next command only', async () => {
    await same(async (open) => {
      const c = await open(3);
      const w = await open();
      const out = [await c.call('CLIENT', 'TRACKING', 'ON', 'OPTIN')];
      await c.call('GET', 'k1'); // not tracked
      out.push(await c.call('CLIENT', 'CACHING', 'YES'));
      out.push(await c.call('CLIENT', 'TRACKINGINFO'));
      await c.call('GET', 'k2'); // tracked
      await c.call('GET', 'k3'); // not tracked: CACHING is used up
      out.push(await c.call('CLIENT', 'CACHING', 'YES'));
      out.push(await c.call('NOSUCHCOMMAND')); // a refused command uses it up too
      await c.call('GET', 'k4'); // not tracked
      out.push(await c.call('CLIENT', 'CACHING', 'YES'));
      await c.call('CLIENT', 'ID'); // CLIENT subcommands leave it
      await c.call('GET', 'k5'); // tracked
      out.push(await c.call('CLIENT', 'CACHING', 'YES'));
      c.send('MULTI');
      c.send('GET', 'k6');
      c.send('GET', 'k7');
      c.send('EXEC'); // the whole transaction is covered
      out.push(...(await c.read(4)));
      await w.call('MSET', 'k1', '1', 'k2', '2', 'k3', '3', 'k4', '4', 'k5', '5', 'k6', '6', 'k7', '7');
      out.push(...(await drain(c)));
      out.push(await c.call('CLIENT', 'TRACKING', 'OFF'));
      out.push(await c.call('CLIENT', 'TRACKING', 'ON', 'OPTOUT'));
      out.push(await c.call('CLIENT', 'CACHING', 'NO'));
      await c.call('GET', 'k1'); // not tracked
      await c.call('GET', 'k2'); // tracked
      await w.call('MSET', 'k1', '1', 'k2', '2');
      out.push(...(await drain(c)));
      return out;
    });
  });

  it('SWAPDB, MOVE and RENAME', async () => {
    await same(async (open) => {
      const c = await open(3);
      const w = await open();
      const out = [await c.call('CLIENT', 'TRACKING', 'ON')];
      await w.call('MSET', 'k', '1', 'm', '2', 'r', '3');
      await c.call('MGET', 'k', 'm', 'r', 'r2');
      await w.call('SWAPDB', '0', '1');
      await w.call('SWAPDB', '0', '1');
      await w.call('MOVE', 'm', '2');
      out.push(...(await drain(c)));
      // Both names are invalidated; Shoal signals the destination first, Redis the source.
      await w.call('RENAME', 'r', 'r2');
      out.push(...(await drain(c)).sort());
      return out;
    });
  });

  it('which commands invalidate a key read before', async () => {
    await same(async (open) => {
      const c = await open(3);
      const w = await open();
      const out = [await c.call('CLIENT', 'TRACKING', 'ON')];
      const steps: string[][] = [
        ['EXPIRE', 's', '100'], ['PERSIST', 's'], ['PEXPIRE', 's', '100000'], ['TOUCH', 's'], ['GETEX', 's', 'PERSIST'],
        ['APPEND', 's', 'x'], ['SETRANGE', 's', '0', 'y'], ['SET', 's', 'same', 'NX'], ['INCRBYFLOAT', 'n', '1.5'],
        ['LPUSH', 'l', 'a'], ['LPOP', 'l'], ['SADD', 'set', 'a'], ['SADD', 'set', 'a'], ['ZADD', 'z', '1', 'a'],
        ['HINCRBY', 'h', 'f', '1'], ['XADD', 'x', '1-1', 'f', 'v'], ['PFADD', 'p', 'a'], ['SETBIT', 'b', '7', '1'],
        ['OBJECT', 'ENCODING', 's'], ['UNLINK', 's'], ['SINTERSTORE', 'dst', 'set', 'set'], ['COPY', 'set', 'dst', 'REPLACE'],
      ];
      for (const step of steps) {
        const key = step[0] === 'OBJECT' ? step[2] : step[1];
        await w.call('SET', 's', 'v');
        out.push(...(await drain(c)), await c.call('TYPE', key), await c.call('EXISTS', key));
        out.push(step.join(' '), await w.call(...step), ...(await drain(c)));
      }
      return out;
    });
  });

  it('a departed client leaves its keys in the table until they change, as in Redis', async () => {
    await same(async (open) => {
      const c = await open(3);
      const w = await open();
      const totals = async () => (await w.call('INFO', 'stats')).split('\r\n').filter((l) => l.startsWith('tracking_total_')).join(',');
      await c.call('CLIENT', 'TRACKING', 'ON');
      await c.call('MGET', 'a', 'b');
      const id = await clientId(c);
      await c.call('QUIT');
      await gone(w, id);
      const out = [await totals()];
      await w.call('SET', 'a', '1');
      out.push(await totals());
      return out;
    });
  });

  it('active and lazy expiry invalidate', async () => {
    await same(async (open) => {
      const c = await open(3);
      const out = [await c.call('CLIENT', 'TRACKING', 'ON')];
      await c.call('SET', 'e1', 'v', 'PX', '30');
      await c.call('GET', 'e1');
      await sleep(300);
      out.push(...(await drain(c)));
      return out;
    });
  });

  it('a vanished redirect client: tracking-redir-broken in RESP3, shown by TRACKINGINFO and CLIENT LIST', async () => {
    await same(async (open) => {
      const r = await open();
      const id = await clientId(r);
      const c = await open(3);
      const w = await open();
      const out = [await c.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', id)];
      await c.call('GET', 'k');
      await r.call('QUIT');
      await gone(w, id);
      await w.call('SET', 'k', '1');
      const frames = await drain(c);
      out.push(...frames.map((f) => f.replace(`:${id}\r\n`, ':ID\r\n')));
      out.push((await c.call('CLIENT', 'TRACKINGINFO')).replace(`:${id}\r\n`, ':ID\r\n'));
      const info = await c.call('CLIENT', 'INFO');
      out.push(/ flags=\S+ /.exec(info)![0]);
      return out;
    });
  });

  it('tracking-table-max-keys forgets keys with an invalidation each', async () => {
    const got = await run(shoal.port, async (open) => {
      const r = await open();
      const id = await clientId(r);
      await r.call('SUBSCRIBE', '__redis__:invalidate');
      const c = await open();
      const w = await open();
      await c.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', id);
      await c.call('MGET', 'k1', 'k2', 'k3', 'k4');
      await w.call('CONFIG', 'SET', 'tracking-table-max-keys', '1');
      const frames = await r.read(3);
      const info = await w.call('INFO', 'stats');
      await w.call('CONFIG', 'SET', 'tracking-table-max-keys', '1000000');
      return [String(frames.length), /tracking_total_keys:\d+/.exec(info)![0]];
    });
    expect(got).toEqual(['3', 'tracking_total_keys:1']);
  });

  it('scripts track the keys their EVAL declared once they read', async () => {
    await same(async (open) => {
      const c = await open(3);
      const w = await open();
      const out = [await c.call('CLIENT', 'TRACKING', 'ON')];
      await c.call('EVAL', "redis.call('set', 'x{t}', 'bar')", '2', 'k1{t}', 'k2{t}');
      await w.call('MSET', 'k2{t}', '1', 'k1{t}', '1');
      out.push(...(await drain(c)));
      await c.call('EVAL', "redis.call('get', 'x{t}')", '2', 'k1{t}', 'k2{t}');
      await w.call('MSET', 'k2{t}', '2', 'k1{t}', '2');
      out.push(...(await drain(c)));
      return out;
    });
  });
});

describe('node-redis client-side cache', () => {
  let shoal: RunningServer;
  beforeAll(async () => {
    shoal = await startShoal();
  });
  afterAll(() => shoal.stop());

  it('serves repeated reads from its cache until Shoal invalidates them', async () => {
    const c = createClient({ socket: { port: shoal.port }, RESP: 3, clientSideCache: { ttl: 0, maxEntries: 0 } });
    const w = createClient({ socket: { port: shoal.port } });
    await Promise.all([c.connect(), w.connect()]);
    try {
      await w.set('nr', 'one');
      expect([await c.get('nr'), await c.get('nr')]).toEqual(['one', 'one']);
      const cache = c.clientSideCache!;
      let invalidated = once(cache, 'invalidate');
      await w.set('nr', 'two');
      expect(String(await invalidated)).toBe('nr');
      expect(await c.get('nr')).toBe('two');
      invalidated = once(cache, 'invalidate');
      await w.flushAll();
      expect(await invalidated).toEqual([null]);
      expect(await c.get('nr')).toBe(null);
      const st = cache.stats();
      expect([st.hitCount, st.missCount]).toEqual([1, 3]);
    } finally {
      await Promise.all([c.quit(), w.quit()]);
    }
  });
});

differential('tracking errors and state', {
  'option errors': [
    ['CLIENT', 'TRACKING', 'maybe'],
    ['CLIENT', 'TRACKING', 'ON', 'REDIRECT'],
    ['CLIENT', 'TRACKING', 'ON', 'REDIRECT', 'abc'],
    ['CLIENT', 'TRACKING', 'ON', 'REDIRECT', '999999'],
    ['CLIENT', 'TRACKING', 'ON', 'PREFIX', 'a'],
    ['CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX'],
    ['CLIENT', 'TRACKING', 'ON', 'OPTIN', 'OPTOUT'],
    ['CLIENT', 'TRACKING', 'ON', 'BCAST', 'OPTIN'],
    ['CLIENT', 'TRACKING', 'ON', 'WHAT'],
    ['CLIENT', 'TRACKING', 'OFF', 'PREFIX', 'a'],
    ['CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'ab', 'PREFIX', 'a'],
    ['CLIENT', 'TRACKINGINFO'],
    ['CLIENT', 'GETREDIR'],
  ],
  'switching modes while on': [
    ['CLIENT', 'TRACKING', 'ON'],
    ['CLIENT', 'GETREDIR'],
    ['CLIENT', 'TRACKING', 'ON', 'BCAST'],
    ['CLIENT', 'TRACKING', 'ON', 'OPTIN'],
    ['CLIENT', 'TRACKING', 'ON', 'OPTOUT', 'NOLOOP'],
    ['CLIENT', 'CACHING', 'NO'],
    ['CLIENT', 'CACHING', 'YES'],
    ['CLIENT', 'CACHING', 'MAYBE'],
    ['CLIENT', 'TRACKINGINFO'],
    ['CLIENT', 'TRACKING', 'OFF'],
    ['CLIENT', 'CACHING', 'YES'],
    ['CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'b', 'PREFIX', 'a', 'NOLOOP'],
    ['CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'd', 'PREFIX', 'ab'],
    ['CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'c'],
    ['CLIENT', 'TRACKING', 'ON'],
    ['CLIENT', 'TRACKINGINFO'],
    ['RESET'],
    ['CLIENT', 'TRACKINGINFO'],
  ],
  'overlap among given prefixes past the first: error, then OK (Redis quirk)': [
    ['CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'x', 'PREFIX', 'a', 'PREFIX', 'ab'],
    ['CLIENT', 'TRACKINGINFO'],
  ],
});
