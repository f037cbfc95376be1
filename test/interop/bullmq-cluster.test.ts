import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { ToolCluster } from '../cluster/tooling-cluster.js';
import { call1, text } from '../cluster/shoal-cluster.js';
import { RespConn, requireRedis } from '../helpers/server.js';

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

  function until(cond: () => boolean, ms = 10000): Promise<void> {
    const deadline = Date.now() + ms;
    return new Promise((resolve, reject) => {
      const tick = (): void => {
        if (cond()) resolve();
        else if (Date.now() > deadline) reject(new Error('condition not met in time'));
        else setTimeout(tick, 20);
      };
      tick();
    });
  }

  it('a worker processes jobs, retries failures with backoff and gives up after the last attempt', async () => {
    const queue = new Queue('work', { connection: connection(), prefix });
    closers.push(queue);
    const events = new QueueEvents('work', { connection: connection(), prefix });
    closers.push(events);
    await events.waitUntilReady();
    const completedEvents: string[] = [];
    events.on('completed', ({ jobId }) => completedEvents.push(jobId));
    const completed: [string, unknown][] = [];
    const failed: [string, string, number][] = [];
    const worker = new Worker('work', async (job: Job) => {
      if (job.name === 'flaky' && job.attemptsMade < 2) throw new Error(`flaky attempt ${job.attemptsMade}`);
      if (job.name === 'doomed') throw new Error('always fails');
      return { doubled: job.data.n * 2 };
    }, { connection: connection(), prefix });
    closers.push(worker);
    worker.on('completed', (job, result) => completed.push([job.name, result]));
    worker.on('failed', (job, err) => failed.push([job!.name, err.message, job!.attemptsMade]));
    await queue.addBulk([1, 2, 3].map((n) => ({ name: 'plain', data: { n } })));
    const flaky = await queue.add('flaky', { n: 10 }, { attempts: 3, backoff: { type: 'fixed', delay: 50 } });
    const doomed = await queue.add('doomed', { n: 0 }, { attempts: 2, backoff: { type: 'exponential', delay: 20 } });
    await until(() => completed.length === 4 && failed.length === 4);
    expect(completed.filter(([n]) => n === 'plain').map(([, r]) => r)).toEqual([{ doubled: 2 }, { doubled: 4 }, { doubled: 6 }]);
    expect(completed.find(([n]) => n === 'flaky')?.[1]).toEqual({ doubled: 20 });
    expect(failed.filter(([n]) => n === 'flaky').map(([, m]) => m)).toEqual(['flaky attempt 0', 'flaky attempt 1']);
    expect(failed.filter(([n]) => n === 'doomed').map(([, m, a]) => [m, a])).toEqual([['always fails', 1], ['always fails', 2]]);
    expect((await queue.getJob(flaky.id!))!.attemptsMade).toBe(3);
    const dead = (await queue.getJob(doomed.id!))!;
    expect(dead.failedReason).toBe('always fails');
    expect(await dead.getState()).toBe('failed');
    expect(await queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed')).toMatchObject({
      completed: 4, failed: 1, waiting: 0, active: 0, delayed: 0,
    });
    // The events stream (XREAD BLOCK on the slot's owner) saw every completion.
    await until(() => completedEvents.length === 4);
  });

  it('delayed jobs wait for their time and prioritised jobs go first', async () => {
    const queue = new Queue('timing', { connection: connection(), prefix });
    closers.push(queue);
    const order: string[] = [];
    const ran = new Map<string, number>();
    await queue.add('later', {}, { delay: 400 });
    await queue.add('low', {}, { priority: 10 });
    await queue.add('high', {}, { priority: 1 });
    await queue.add('normal', {});
    expect(await queue.getDelayedCount()).toBe(1);
    const worker = new Worker('timing', async (job: Job) => {
      order.push(job.name);
      ran.set(job.name, Date.now() - job.timestamp);
    }, { connection: connection(), prefix, concurrency: 1 });
    closers.push(worker);
    await until(() => order.length === 4);
    expect(order.indexOf('high')).toBeLessThan(order.indexOf('low'));
    expect(order[3]).toBe('later');
    expect(ran.get('later')!).toBeGreaterThanOrEqual(400);
  });

  it('a job scheduler repeats a job until it is removed', async () => {
    const queue = new Queue('repeat', { connection: connection(), prefix });
    closers.push(queue);
    let runs = 0;
    const worker = new Worker('repeat', async (job: Job) => {
      expect(job.data).toEqual({ tick: true });
      runs++;
    }, { connection: connection(), prefix });
    closers.push(worker);
    await queue.upsertJobScheduler('every-150ms', { every: 150 }, { name: 'tick', data: { tick: true } });
    expect((await queue.getJobSchedulers()).map((s) => s.key)).toEqual(['every-150ms']);
    await until(() => runs >= 3);
    expect(await queue.removeJobScheduler('every-150ms')).toBe(true);
    expect(await queue.getJobSchedulers()).toEqual([]);
  });

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
    const addedDuring = added - addedBefore;
    for (const i of [to, from, 3 - to - from]) expect(await call1(c.port(i), 'CLUSTER', 'SETSLOT', String(slot), 'NODE', ids[to])).toBe('+OK\r\n');
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await producer;
    await until(() => done.size === added, 10000);
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
