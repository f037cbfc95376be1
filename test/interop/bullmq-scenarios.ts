// The BullMQ workloads, run against one Shoal node (bullmq.test.ts) and against a Shoal cluster
// (bullmq-cluster.test.ts): the same queue behaviour must hold on both.
import { expect } from 'vitest';
import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { until } from '../helpers/wait.js';

export interface BullEnv {
  /** Options for a new Queue or Worker: its connection (a fresh client each call on a cluster) and key prefix. */
  opts(): { connection: ConnectionOptions; prefix?: string };
  /** What the test file closes after its tests. */
  closers: { close(): Promise<void> }[];
}

/** A worker processes jobs, retries failures with backoff and gives up after the last attempt. */
export async function retriesScenario(env: BullEnv): Promise<void> {
  const queue = new Queue('work', env.opts());
  env.closers.push(queue);
  const completed: [string, unknown][] = [];
  const failed: [string, string, number][] = [];
  const worker = new Worker('work', async (job: Job) => {
    if (job.name === 'flaky' && job.attemptsMade < 2) throw new Error(`flaky attempt ${job.attemptsMade}`);
    if (job.name === 'doomed') throw new Error('always fails');
    return { doubled: job.data.n * 2 };
  }, env.opts());
  env.closers.push(worker);
  worker.on('completed', (job, result) => completed.push([job.name, result]));
  worker.on('failed', (job, err) => failed.push([job!.name, err.message, job!.attemptsMade]));
  await queue.addBulk([1, 2, 3].map((n) => ({ name: 'plain', data: { n } })));
  const flaky = await queue.add('flaky', { n: 10 }, { attempts: 3, backoff: { type: 'fixed', delay: 50 } });
  const doomed = await queue.add('doomed', { n: 0 }, { attempts: 2, backoff: { type: 'exponential', delay: 20 } });
  await until('4 completions and 4 failures', () => completed.length === 4 && failed.length === 4, 10000);
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
}

/** Delayed jobs wait for their time and prioritised jobs go first. */
export async function timingScenario(env: BullEnv): Promise<void> {
  const queue = new Queue('timing', env.opts());
  env.closers.push(queue);
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
  }, { ...env.opts(), concurrency: 1 });
  env.closers.push(worker);
  await until('4 jobs run', () => order.length === 4, 10000);
  expect(order.indexOf('high')).toBeLessThan(order.indexOf('low'));
  expect(order[3]).toBe('later');
  expect(ran.get('later')!).toBeGreaterThanOrEqual(400);
}

/** A job scheduler repeats a job until it is removed. */
export async function schedulerScenario(env: BullEnv): Promise<void> {
  const queue = new Queue('repeat', env.opts());
  env.closers.push(queue);
  let runs = 0;
  const worker = new Worker('repeat', async (job: Job) => {
    expect(job.data).toEqual({ tick: true });
    runs++;
  }, env.opts());
  env.closers.push(worker);
  await queue.upsertJobScheduler('every-150ms', { every: 150 }, { name: 'tick', data: { tick: true } });
  expect((await queue.getJobSchedulers()).map((s) => s.key)).toEqual(['every-150ms']);
  await until('3 runs', () => runs >= 3, 10000);
  expect(await queue.removeJobScheduler('every-150ms')).toBe(true);
  expect(await queue.getJobSchedulers()).toEqual([]);
}
