import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, Worker, type Job } from 'bullmq';
import { startShoal, type RunningServer } from '../helpers/server.js';

// BullMQ (its Lua scripts, cmsgpack/cjson, streams for events, blocking commands) running a real
// queue against a Shoal node: a worker, retries with backoff, a job that exhausts its attempts,
// delayed jobs, priorities and a repeating job scheduler.

describe('BullMQ against Shoal', () => {
  let shoal: RunningServer;
  let connection: { host: string; port: number; maxRetriesPerRequest: null };
  const closers: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    shoal = await startShoal();
    connection = { host: '127.0.0.1', port: shoal.port, maxRetriesPerRequest: null };
  });
  afterAll(async () => {
    for (const c of closers.reverse()) await c.close();
    await shoal?.stop();
  });

  function until(cond: () => boolean, ms = 8000): Promise<void> {
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
    const queue = new Queue('work', { connection });
    closers.push(queue);
    const completed: [string, unknown][] = [];
    const failed: [string, string, number][] = [];
    const worker = new Worker('work', async (job: Job) => {
      if (job.name === 'flaky' && job.attemptsMade < 2) throw new Error(`flaky attempt ${job.attemptsMade}`);
      if (job.name === 'doomed') throw new Error('always fails');
      return { doubled: job.data.n * 2 };
    }, { connection });
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
  });

  it('delayed jobs wait for their time and prioritised jobs go first', async () => {
    const queue = new Queue('timing', { connection });
    closers.push(queue);
    const order: string[] = [];
    const ran = new Map<string, number>();
    await queue.add('later', {}, { delay: 400 });
    await queue.add('low', {}, { priority: 10 });
    await queue.add('high', {}, { priority: 1 });
    await queue.add('normal', {});
    expect(await queue.getDelayedCount()).toBe(1);
    const start = Date.now();
    const worker = new Worker('timing', async (job: Job) => {
      order.push(job.name);
      ran.set(job.name, Date.now() - job.timestamp);
    }, { connection, concurrency: 1 });
    closers.push(worker);
    await until(() => order.length === 4);
    expect(order.indexOf('high')).toBeLessThan(order.indexOf('low'));
    expect(order[3]).toBe('later');
    expect(ran.get('later')!).toBeGreaterThanOrEqual(400);
    expect(Date.now() - start).toBeLessThan(5000);
  });

  it('a job scheduler repeats a job until it is removed', async () => {
    const queue = new Queue('repeat', { connection });
    closers.push(queue);
    let runs = 0;
    const worker = new Worker('repeat', async (job: Job) => {
      expect(job.data).toEqual({ tick: true });
      runs++;
    }, { connection });
    closers.push(worker);
    await queue.upsertJobScheduler('every-150ms', { every: 150 }, { name: 'tick', data: { tick: true } });
    expect((await queue.getJobSchedulers()).map((s) => s.key)).toEqual(['every-150ms']);
    await until(() => runs >= 3);
    expect(await queue.removeJobScheduler('every-150ms')).toBe(true);
    expect(await queue.getJobSchedulers()).toEqual([]);
  });
});
