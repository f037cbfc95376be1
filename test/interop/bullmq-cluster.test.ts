import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { ToolCluster } from '../cluster/tooling-cluster.js';
import { call1, text } from '../cluster/shoal-cluster.js';
import { RespConn, requireRedis } from '../helpers/server.js';
import { until } from '../helpers/wait.js';
import { retriesScenario, schedulerScenario, timingScenario, type BullEnv } from './bullmq-scenarios.js';

/** The bulk strings of a flat array reply. */
function splitArray(reply: string): string[] {
  const out: string[] = [];
  const lines = reply.split('\r\n');
  for (let i = 1; i < lines.length; i++) if (lines[i].startsWith('$')) out.push(lines[++i]);
  return out;
}

// BullMQ through ioredis Cluster against a three-primary Shoal cluster: with `prefix: '{bull}'`
// every key of a queue hashes to one slot, so its Lua scripts (declared keys in one slot, more
// keys built inside the scripts) run on the slot's owner. A worker with retries, delayed jobs and
// a repeating job scheduler, as in bullmq.test.ts against one node; then the {bull} slot moves
// to another node under a producer and a worker (ASK, TRYAGAIN, blocked clients moved).

describe.skipIf(!requireRedis())('BullMQ against a Shoal cluster', () => {
  let c: ToolCluster;
  const clients: Cluster[] = [];
  const closers: { close(): Promise<void> }[] = [];
  const prefix = '{bull}';

  beforeAll(async () => {
    c = await ToolCluster.create(3);
    const r = c.tool('up', '--replicas', '0');
    if (r.status !== 0) throw new Error(r.out);
  }, 60000);
  afterAll(async () => {
    for (const x of closers.reverse()) await x.close();
    for (const x of clients) x.disconnect();
    c?.destroy();
  });

  function connection(): Cluster {
    // While a slot moves, a script whose keys are partly moved gets TRYAGAIN until the batch that
    // holds the rest arrives; each retry (100 ms apart) counts as a redirection.
    const client = new Cluster([{ host: '127.0.0.1', port: c.port(0) }], { redisOptions: { maxRetriesPerRequest: null }, maxRedirections: 64 });
    clients.push(client);
    return client;
  }

  const env: BullEnv = { opts: () => ({ connection: connection(), prefix }), closers };

  it('a worker processes jobs, retries failures with backoff and gives up after the last attempt', async () => {
    const events = new QueueEvents('work', { connection: connection(), prefix });
    closers.push(events);
    await events.waitUntilReady();
    const completedEvents: string[] = [];
    events.on('completed', ({ jobId }) => completedEvents.push(jobId));
    await retriesScenario(env);
    // The events stream (XREAD BLOCK on the slot's owner) saw every completion.
    await until('4 completion events', () => completedEvents.length === 4, 10000);
  });

  it('delayed jobs wait for their time and prioritised jobs go first', () => timingScenario(env));
  it('a job scheduler repeats a job until it is removed', () => schedulerScenario(env));

  it('jobs keep flowing while the {bull} slot moves to another node', async () => {
    const slot = 9263;
    const ids = await Promise.all([0, 1, 2].map(async (i) => text(await call1(c.port(i), 'CLUSTER', 'MYID'))));
    const owner = await Promise.all([0, 1, 2].map(async (i) => (await call1(c.port(i), 'CLUSTER', 'COUNTKEYSINSLOT', String(slot))) !== ':0\r\n'));
    const from = owner.indexOf(true);
    const to = (from + 1) % 3;
    const queue = new Queue('moving', { connection: connection(), prefix });
    closers.push(queue);
    const done = new Set<string>();
    const errors: string[] = [];
    const worker = new Worker('moving', async (job: Job) => job.data.n * 2, { connection: connection(), prefix, concurrency: 4 });
    closers.push(worker);
    worker.on('completed', (job) => done.add(job.id!));
    worker.on('error', (err) => errors.push(String(err)));
    let added = 0;
    let stop = false;
    const producer = (async () => {
      while (!stop) {
        await queue.add('n', { n: added }, { attempts: 3 });
        added++;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    // The slot moves as redis-cli moves one: IMPORTING, MIGRATING, MIGRATE in batches, then NODE everywhere.
    const addedBefore = added;
    expect(await call1(c.port(to), 'CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', ids[from])).toBe('+OK\r\n');
    expect(await call1(c.port(from), 'CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', ids[to])).toBe('+OK\r\n');
    for (;;) {
      const conn = await RespConn.connect(c.port(from));
      const keys = splitArray(await conn.call('CLUSTER', 'GETKEYSINSLOT', String(slot), '10'));
      if (keys.length === 0) {
        conn.close();
        break;
      }
      const r = await conn.call('MIGRATE', '127.0.0.1', String(c.port(to)), '', '0', '5000', 'KEYS', ...keys);
      conn.close();
      if (r !== '+OK\r\n' && r !== '+NOKEY\r\n') throw new Error(r);
      await new Promise((res) => setTimeout(res, 10));
    }
    for (const i of [to, from, 3 - to - from]) expect(await call1(c.port(i), 'CLUSTER', 'SETSLOT', String(slot), 'NODE', ids[to])).toBe('+OK\r\n');
    await new Promise((r) => setTimeout(r, 300));
    // Jobs added since the move began (the ones sent mid-move wait out TRYAGAIN, as against Redis,
    // and complete once the keys are across): on a loaded machine the move can end before any did.
    const addedDuring = added - addedBefore;
    stop = true;
    await producer;
    await until('every added job done', () => done.size === added, 10000);
    expect(errors).toEqual([]);
    expect(addedDuring).toBeGreaterThan(0);
    expect(await call1(c.port(from), 'CLUSTER', 'COUNTKEYSINSLOT', String(slot))).toBe(':0\r\n');
    expect(await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed')).toMatchObject({
      completed: added, failed: 0, waiting: 0, active: 0, delayed: 0,
    });
  }, 30000);

  it('the queues live on the owner of the {bull} slot only', async () => {
    const sizes = await Promise.all([0, 1, 2].map(async (i) => Number((await call1(c.port(i), 'DBSIZE')).slice(1))));
    expect(sizes.filter((n) => n > 0)).toHaveLength(1);
  });
});
