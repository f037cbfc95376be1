import { describe, expect, it } from 'vitest';
import { differential } from '../helpers/differential.js';
import { RespConn, requireRedis, serverPair } from '../helpers/server.js';

differential('pubsub replies', {
  'subscribe and unsubscribe': [
    ['SUBSCRIBE', 'a', 'b', 'a'], ['UNSUBSCRIBE', 'a', 'zz'], ['UNSUBSCRIBE'], ['UNSUBSCRIBE'], ['PING'],
  ],
  'patterns': [['PSUBSCRIBE', 'n*', 'x?'], ['PUNSUBSCRIBE', 'n*', 'q'], ['PUNSUBSCRIBE'], ['PUNSUBSCRIBE'], ['PING']],
  'shard channels': [
    ['SSUBSCRIBE', 's1', 's2'], ['SUNSUBSCRIBE', 's1', 'none'], ['SUNSUBSCRIBE'], ['SUNSUBSCRIBE'], ['PING'],
  ],
  'counts mix channels and patterns, shard channels apart': [
    ['SUBSCRIBE', 'c'], ['PSUBSCRIBE', 'p*'], ['SSUBSCRIBE', 's'], ['UNSUBSCRIBE', 'c'], ['PUNSUBSCRIBE', 'p*'],
    ['SUNSUBSCRIBE', 's'], ['PING'],
  ],
  'unsubscribe-all of one kind counts the other': [
    ['PSUBSCRIBE', 'p1'], ['UNSUBSCRIBE'], ['SUBSCRIBE', 'c1'], ['PUNSUBSCRIBE', 'p1'], ['PUNSUBSCRIBE'], ['SSUBSCRIBE', 's'],
    ['UNSUBSCRIBE'], ['PING'], ['SUNSUBSCRIBE'], ['PING'],
  ],
  'punsubscribe-all goes in subscription order': [
    ['PSUBSCRIBE', 'c*', 'a*', 'b*'], ['PUNSUBSCRIBE'], ['PING'], ['PING'],
  ],
  'unsubscribe-all with nothing subscribed': [['UNSUBSCRIBE'], ['PUNSUBSCRIBE'], ['SUNSUBSCRIBE'], ['PING']],
  'subscribed mode restrictions': [
    ['SUBSCRIBE', 'c'], ['GET', 'k'], ['PING'], ['PING', 'hi'], ['PUBSUB', 'NUMSUB', 'c'], ['SET', 'k', 'v'], ['UNSUBSCRIBE'],
    ['GET', 'k'],
  ],
  'publish to own subscription': [['SUBSCRIBE', 'me'], ['PUBLISH', 'me', 'hello'], ['PING'], ['PING']],
  'pattern message to self': [['PSUBSCRIBE', 'm[a-c]'], ['PUBLISH', 'mb', 'x'], ['PING'], ['PING']],
  'shard message to self': [['SSUBSCRIBE', 'sh'], ['SPUBLISH', 'sh', 'x'], ['PING'], ['PING']],
  'pubsub introspection': [
    ['PUBSUB', 'CHANNELS'], ['PUBSUB', 'NUMSUB'], ['PUBSUB', 'NUMSUB', 'a', 'b'], ['PUBSUB', 'NUMPAT'],
    ['PUBSUB', 'SHARDCHANNELS'], ['PUBSUB', 'SHARDNUMSUB', 'x'], ['PUBSUB', 'NUMPAT', 'extra'],
    ['PUBSUB', 'NOPE'], ['PUBSUB'], ['PUBSUB', 'CHANNELS', '*', 'extra'], ['PUBSUB', 'shardchannels', 'a', 'b'], ['PUBLISH', 'nobody', 'm'], ['SPUBLISH', 'nobody', 'm'],
    ['PUBLISH', 'x'], ['SUBSCRIBE'], ['PSUBSCRIBE'], ['SSUBSCRIBE'],
  ],
});

describe('pubsub across connections', () => {
  const enabled = requireRedis();
  const { shoal, redis } = serverPair({ redis: enabled });
  const both = (fn: (port: number) => Promise<unknown>) =>
    Promise.all([fn(shoal.port), enabled ? fn(redis.port) : Promise.resolve(undefined)]);

  it('delivers to several channel and pattern subscribers and counts receivers', async () => {
    const [got, want] = await both(async (port) => {
      const s1 = await RespConn.connect(port);
      const s2 = await RespConn.connect(port);
      const p1 = await RespConn.connect(port);
      const pub = await RespConn.connect(port);
      await s1.call('SUBSCRIBE', 'news.it');
      await s2.call('HELLO', '3');
      await s2.call('SUBSCRIBE', 'news.it');
      await s2.read(0);
      await p1.call('PSUBSCRIBE', 'news.*');
      const out: string[] = [];
      out.push(await pub.call('PUBLISH', 'news.it', 'hello'));
      out.push(...(await s1.read(1)), ...(await s2.read(1)), ...(await p1.read(1)));
      out.push(await pub.call('PUBLISH', 'news.fr', 'salut'));
      out.push(...(await p1.read(1)));
      out.push(await pub.call('PUBLISH', 'sport', 'nothing'));
      // A client subscribed both ways gets the message twice and counts twice.
      await s1.call('PSUBSCRIBE', 'news.i?');
      out.push(await pub.call('PUBLISH', 'news.it', 'twice'));
      out.push(...(await s1.read(2)), ...(await s2.read(1)), ...(await p1.read(1)));
      out.push(await pub.call('PUBSUB', 'NUMSUB', 'news.it', 'news.fr'), await pub.call('PUBSUB', 'NUMPAT'));
      out.push(await pub.call('PUBSUB', 'CHANNELS', 'news.*'), await pub.call('PUBSUB', 'CHANNELS', 'x*'));
      s2.close();
      await new Promise((r) => setTimeout(r, 50));
      out.push(await pub.call('PUBSUB', 'NUMSUB', 'news.it'), await pub.call('PUBLISH', 'news.it', 'after'));
      out.push(...(await s1.read(2)), ...(await p1.read(1)));
      for (const c of [s1, p1, pub]) c.close();
      return out;
    });
    expect(got).toEqual([
      ':3\r\n',
      '*3\r\n$7\r\nmessage\r\n$7\r\nnews.it\r\n$5\r\nhello\r\n',
      '>3\r\n$7\r\nmessage\r\n$7\r\nnews.it\r\n$5\r\nhello\r\n',
      '*4\r\n$8\r\npmessage\r\n$6\r\nnews.*\r\n$7\r\nnews.it\r\n$5\r\nhello\r\n',
      ':1\r\n',
      '*4\r\n$8\r\npmessage\r\n$6\r\nnews.*\r\n$7\r\nnews.fr\r\n$5\r\nsalut\r\n',
      ':0\r\n',
      ':4\r\n',
      '*3\r\n$7\r\nmessage\r\n$7\r\nnews.it\r\n$5\r\ntwice\r\n',
      '*4\r\n$8\r\npmessage\r\n$7\r\nnews.i?\r\n$7\r\nnews.it\r\n$5\r\ntwice\r\n',
      '>3\r\n$7\r\nmessage\r\n$7\r\nnews.it\r\n$5\r\ntwice\r\n',
      '*4\r\n$8\r\npmessage\r\n$6\r\nnews.*\r\n$7\r\nnews.it\r\n$5\r\ntwice\r\n',
      '*4\r\n$7\r\nnews.it\r\n:2\r\n$7\r\nnews.fr\r\n:0\r\n',
      ':2\r\n',
      '*1\r\n$7\r\nnews.it\r\n',
      '*0\r\n',
      '*2\r\n$7\r\nnews.it\r\n:1\r\n',
      ':3\r\n',
      '*3\r\n$7\r\nmessage\r\n$7\r\nnews.it\r\n$5\r\nafter\r\n',
      '*4\r\n$8\r\npmessage\r\n$7\r\nnews.i?\r\n$7\r\nnews.it\r\n$5\r\nafter\r\n',
      '*4\r\n$8\r\npmessage\r\n$6\r\nnews.*\r\n$7\r\nnews.it\r\n$5\r\nafter\r\n',
    ]);
    if (enabled) expect(got).toEqual(want);
  });

  it('RESP3 pushes interleave with replies to other commands on the same connection', async () => {
    const [got, want] = await both(async (port) => {
      const sub = await RespConn.connect(port);
      const pub = await RespConn.connect(port);
      await sub.call('HELLO', '3');
      const out: string[] = [];
      out.push(await sub.call('SUBSCRIBE', 'ch'));
      out.push(await sub.call('SET', 'k', 'v'));
      out.push(await pub.call('PUBLISH', 'ch', 'm1'));
      out.push(...(await sub.read(1)));
      out.push(await sub.call('GET', 'k'));
      out.push(await sub.call('PUBLISH', 'ch', 'm2'));
      out.push(...(await sub.read(1)));
      out.push(await sub.call('SSUBSCRIBE', 'sh'), await pub.call('SPUBLISH', 'sh', 'm3'));
      out.push(...(await sub.read(1)));
      out.push(await sub.call('UNSUBSCRIBE'), await sub.call('SUNSUBSCRIBE'), await sub.call('PING'));
      sub.close();
      pub.close();
      return out;
    });
    expect(got).toEqual([
      '>3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n',
      '+OK\r\n',
      ':1\r\n',
      '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nm1\r\n',
      '$1\r\nv\r\n',
      // Publishing to itself: the push is written before the PUBLISH reply.
      '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nm2\r\n',
      ':1\r\n',
      '>3\r\n$10\r\nssubscribe\r\n$2\r\nsh\r\n:1\r\n',
      ':1\r\n',
      '>3\r\n$8\r\nsmessage\r\n$2\r\nsh\r\n$2\r\nm3\r\n',
      '>3\r\n$11\r\nunsubscribe\r\n$2\r\nch\r\n:0\r\n',
      '>3\r\n$12\r\nsunsubscribe\r\n$2\r\nsh\r\n:0\r\n',
      '+PONG\r\n',
    ]);
    if (enabled) expect(got).toEqual(want);
  });

  it('PUBSUB HELP lists every subcommand as status lines', async () => {
    const c = await RespConn.connect(shoal.port);
    const r = await c.call('PUBSUB', 'HELP');
    c.close();
    expect(r.startsWith('*13\r\n+PUBSUB ')).toBe(true);
    for (const sub of ['CHANNELS', 'NUMPAT', 'NUMSUB', 'SHARDCHANNELS', 'SHARDNUMSUB', 'HELP']) expect(r).toContain(`+${sub}`);
  });

  it('a client that subscribed to many channels and disconnected is removed everywhere', async () => {
    const a = await RespConn.connect(shoal.port);
    await a.call('SUBSCRIBE', 'c1', 'c2');
    await a.read(1);
    await a.call('PSUBSCRIBE', 'p*');
    await a.call('SSUBSCRIBE', 's1');
    a.close();
    const b = await RespConn.connect(shoal.port);
    await new Promise((r) => setTimeout(r, 50));
    expect(await b.call('PUBSUB', 'NUMSUB', 'c1', 'c2')).toBe('*4\r\n$2\r\nc1\r\n:0\r\n$2\r\nc2\r\n:0\r\n');
    expect(await b.call('PUBSUB', 'NUMPAT')).toBe(':0\r\n');
    expect(await b.call('PUBSUB', 'SHARDCHANNELS')).toBe('*0\r\n');
    expect(await b.call('PUBLISH', 'c1', 'x')).toBe(':0\r\n');
    b.close();
  });
});
