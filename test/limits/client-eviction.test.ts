// maxmemory-clients: the same scenarios against Shoal and redis-server, comparing which clients
// survive and INFO evicted_clients. A client holding a big half-sent argument, or a lot of unread
// output, is evicted; CLIENT NO-EVICT exempts a client from being chosen but its memory still counts.

import { describe, expect, it } from 'vitest';
import { RespConn, requireRedis, serverPair } from '../helpers/server.js';

const HAVE_REDIS = requireRedis();

function field(info: string, name: string): string {
  const m = new RegExp(`${name}:([^\\r]*)`).exec(info);
  if (m === null) throw new Error(`no ${name} in INFO`);
  return m[1];
}

async function clientId(c: RespConn): Promise<number> {
  return Number((await c.call('CLIENT', 'ID')).slice(1, -2));
}

/** Ids of connected clients, as the server lists them. */
async function liveIds(admin: RespConn): Promise<Set<number>> {
  const list = await admin.call('CLIENT', 'LIST');
  return new Set([...list.matchAll(/id=(\d+)/g)].map((m) => Number(m[1])));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const HALF_SENT = `*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n${'x'.repeat(100)}`;

/** Runs every scenario on one server; returns what happened, in a form comparable across servers. */
async function scenarios(port: number): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const admin = await RespConn.connect(port);
  expect(await admin.call('CLIENT', 'NO-EVICT', 'on')).toBe('+OK\r\n');
  const evicted = async (): Promise<number> => Number(field(await admin.call('INFO', 'stats'), 'evicted_clients'));

  // Percent of maxmemory; too small a limit is raised to a floor, so a 1% of 10 MB limit still lets
  // ordinary clients in.
  await admin.call('CONFIG', 'SET', 'maxmemory', '10mb', 'maxmemory-clients', '1%');
  out.percentGet = await admin.call('CONFIG', 'GET', 'maxmemory-clients');
  const small = await RespConn.connect(port);
  out.smallPing = await small.call('PING');
  await admin.call('CONFIG', 'SET', 'maxmemory', '0', 'maxmemory-clients', '1mb');

  // 1: a client announcing a 2 MB argument is over the limit alone and goes; a small one stays.
  const big = await RespConn.connect(port);
  const bigId = await clientId(big);
  const smallId = await clientId(small);
  big.write(HALF_SENT);
  await big.waitClosed().catch(() => undefined);
  let live = await liveIds(admin);
  out.halfSent = { bigGone: !live.has(bigId), smallStays: live.has(smallId), evicted: await evicted() };

  // 2: the same from a NO-EVICT client: it stays, and every evictable client is evicted instead.
  const keeper = await RespConn.connect(port);
  const keeperId = await clientId(keeper);
  expect(await keeper.call('CLIENT', 'NO-EVICT', 'on')).toBe('+OK\r\n');
  keeper.write(HALF_SENT);
  await small.waitClosed().catch(() => undefined);
  live = await liveIds(admin);
  out.noEvict = { keeperStays: live.has(keeperId), smallGone: !live.has(smallId), evicted: await evicted() };
  keeper.close();
  await sleep(100);

  // 3: unread output: a client pipelining GETs of a 100 KB value and reading nothing.
  const reader = await RespConn.connect(port);
  const readerId = await clientId(reader);
  expect(await reader.call('SET', 'big', 'v'.repeat(100000))).toBe('+OK\r\n');
  reader.socket.pause();
  reader.write('*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n'.repeat(200));
  const deadline = Date.now() + 5000;
  while ((await liveIds(admin)).has(readerId) && Date.now() < deadline) await sleep(50);
  out.unread = { gone: !(await liveIds(admin)).has(readerId), evicted: await evicted() };
  reader.close();

  // 4: without a limit nobody is evicted.
  await admin.call('CONFIG', 'SET', 'maxmemory-clients', '0');
  const again = await RespConn.connect(port);
  again.write(HALF_SENT);
  await sleep(300);
  out.noLimit = { stays: (await liveIds(admin)).has(await clientId(admin)) && !again.closed, evicted: await evicted() };
  again.close();
  admin.close();
  return out;
}

describe.runIf(HAVE_REDIS)('maxmemory-clients', () => {
  const { shoal, redis } = serverPair();

  it('evicts the same clients as redis-server, and counts them in INFO evicted_clients', async () => {
    const [ours, theirs] = [await scenarios(shoal.port), await scenarios(redis.port)];
    expect(ours).toEqual(theirs);
    // And the scenarios did evict (the comparison alone would pass if neither server did).
    expect(ours.halfSent).toEqual({ bigGone: true, smallStays: true, evicted: 1 });
    expect((ours.unread as { gone: boolean }).gone).toBe(true);
  });
});
