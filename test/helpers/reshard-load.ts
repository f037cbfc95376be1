// Cluster clients under a live reshard: a Shoal cluster for the describe block, and a workload of
// concurrent loops that runs while redis-cli moves slots away from node 0 and back. What the
// loops do (and check) is the client's test's own.

import { afterAll, beforeAll, expect } from 'vitest';
import { keyHashSlot } from '../../src/cluster/slots.js';
import { nodeId, runAsync, slotCounts, ToolCluster, waitForAgreement } from '../cluster/tooling-cluster.js';

/** A cluster of `nodes` nodes set up by the tool's `up` (with `up` options) for the describe block. */
export function liveCluster(nodes: number, ...up: string[]): { c: ToolCluster } {
  const live = {} as { c: ToolCluster };
  beforeAll(async () => {
    live.c = await ToolCluster.create(nodes);
    const r = live.c.tool('up', ...up);
    if (r.status !== 0) throw new Error(r.out);
  }, 60000);
  afterAll(() => {
    live.c?.destroy();
  });
  return live;
}

export interface ReshardLoad {
  /** Concurrent loops, and how many hash tags (keys) each owns. */
  workers: number;
  keys: number;
  /** The first `slots` slots move from node 0 to node 1, then that many back to node 0 from `backFrom`. */
  slots: number;
  backFrom: number[];
  /** An op that throws adds its error here (the test may add its own). */
  errors: string[];
}

/**
 * Run `op` in `load.workers` loops while the slots move there and back, and return how many ops
 * completed. Each call gets its loop, a sequence number and one of that loop's own hash tags (every
 * tag in a moving slot), so it can check it reads back exactly what it wrote.
 */
export async function reshardUnderLoad(
  c: ToolCluster, load: ReshardLoad, op: (w: number, seq: number, tag: string) => Promise<void>,
): Promise<number> {
  const tags: string[] = [];
  for (let j = 0; tags.length < load.workers * load.keys; j++) if (keyHashSlot(`t${j}`) < load.slots) tags.push(`t${j}`);
  let ops = 0;
  let stop = false;
  const loop = async (w: number): Promise<void> => {
    for (let seq = 1; !stop; seq++) {
      try {
        await op(w, seq, tags[w + load.workers * ((seq - 1) % load.keys)]);
        ops++;
      } catch (err) {
        load.errors.push(String(err));
      }
    }
  };
  const loops = Array.from({ length: load.workers }, (_, w) => loop(w));
  const reshard = (from: number[], to: number) => runAsync('redis-cli', ['--cluster', 'reshard', c.addr(0),
    '--cluster-from', from.map((i) => nodeId(c.port(i))).join(','), '--cluster-to', nodeId(c.port(to)),
    '--cluster-slots', String(load.slots), '--cluster-yes', '--cluster-pipeline', '10']);
  await new Promise((r) => setTimeout(r, 300));
  const there = await reshard([0], 1);
  // As an operator would: redis-cli refuses to start while the replicas still learn the new owners.
  await waitForAgreement(c.addr(0), c.nodes);
  const back = await reshard(load.backFrom, 0);
  stop = true;
  await Promise.all(loops);
  expect(there.status, there.out).toBe(0);
  expect(back.status, back.out).toBe(0);
  return ops;
}

/** Once the nodes agree again, every slot has an owner. */
export async function expectAllSlotsOwned(c: ToolCluster): Promise<void> {
  await waitForAgreement(c.addr(0), c.nodes);
  expect([...slotCounts(c.port(0)).values()].reduce((a, b) => a + b, 0)).toBe(16384);
}
