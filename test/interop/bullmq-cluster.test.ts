import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { requireRedis } from '../helpers/server.js';
import { ToolCluster } from '../cluster/tooling-cluster.js';
import { call1 } from '../cluster/shoal-cluster.js';

// BullMQ through ioredis Cluster against a three-primary Shoal cluster: with `prefix: '{bull}'`
// every key of a queue hashes to one slot, so its Lua scripts (declared keys in one slot, more
// keys built inside the scripts) run on the slot's owner. A worker with retries, delayed jobs and
// a repeating job scheduler, as in bullmq.test.ts against one node.

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
    const client = new Cluster([{ host: '127.0.0.1', port: c.port(0) }], { redisOptions: { maxRetriesPerRequest: null } });
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

  it('the queues live on the owner of the {bull} slot only', async () => {
    const sizes = await Promise.all([0, 1, 2].map(async (i) => Number((await call1(c.port(i), 'DBSIZE')).slice(1))));
    expect(sizes.filter((n) => n > 0)).toHaveLength(1);
  });
});
