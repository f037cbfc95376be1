import { afterAll, beforeAll, describe, it } from 'vitest';
import { startShoal, type RunningServer } from '../helpers/server.js';
import { retriesScenario, schedulerScenario, timingScenario, type BullEnv } from './bullmq-scenarios.js';

// BullMQ (its Lua scripts, cmsgpack/cjson, streams for events, blocking commands) running a real
// queue against a Shoal node: a worker, retries with backoff, a job that exhausts its attempts,
// delayed jobs, priorities and a repeating job scheduler.

describe('BullMQ against Shoal', () => {
  let shoal: RunningServer;
  const env: BullEnv = {
    opts: () => ({ connection: { host: '127.0.0.1', port: shoal.port, maxRetriesPerRequest: null } }),
    closers: [],
  };

  beforeAll(async () => {
    shoal = await startShoal();
  });
  afterAll(async () => {
    for (const c of env.closers.reverse()) await c.close();
    await shoal?.stop();
  });

  it('a worker processes jobs, retries failures with backoff and gives up after the last attempt', () => retriesScenario(env));
  it('delayed jobs wait for their time and prioritised jobs go first', () => timingScenario(env));
  it('a job scheduler repeats a job until it is removed', () => schedulerScenario(env));
});
