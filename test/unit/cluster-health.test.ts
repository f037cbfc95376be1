import { describe, expect, it } from 'vitest';
import { NodeFlag } from '../../src/cluster/bus/codec.js';
import { ClusterHealth, evaluateHealth, type HealthInput, type HealthNode } from '../../src/cluster/health.js';
import { CLUSTER_SLOTS } from '../../src/cluster/slots.js';

interface N extends HealthNode {
  flags: number;
  numSlots: number;
}

/** Primaries splitting the slots evenly (a trailing range can be left unassigned), plus extras. */
function cluster(primaries: number, opts: { unassigned?: number; extra?: N[] } = {}): { input: (full?: boolean) => HealthInput; nodes: N[] } {
  const nodes: N[] = Array.from({ length: primaries }, () => ({ flags: NodeFlag.MASTER, numSlots: 0 }));
  const served = primaries === 0 ? 0 : CLUSTER_SLOTS - (opts.unassigned ?? 0);
  const slots: (N | null)[] = new Array(CLUSTER_SLOTS).fill(null);
  for (let s = 0; s < served; s++) {
    const n = nodes[s % primaries];
    slots[s] = n;
    n.numSlots++;
  }
  const all = [...nodes, ...(opts.extra ?? [])];
  return { nodes, input: (full = true) => ({ requireFullCoverage: full, slots, nodes: all }) };
}

describe('evaluateHealth follows clusterUpdateState', () => {
  it('a cluster with no slots served is down', () => {
    expect(evaluateHealth(cluster(0).input())).toEqual({ ok: false, size: 0, inMinority: true });
  });

  it('every slot served by reachable primaries is ok', () => {
    expect(evaluateHealth(cluster(3).input())).toEqual({ ok: true, size: 3, inMinority: false });
  });

  it('an unassigned slot is down only with full coverage required', () => {
    const c = cluster(3, { unassigned: 1 });
    expect(evaluateHealth(c.input(true)).ok).toBe(false);
    expect(evaluateHealth(c.input(false)).ok).toBe(true);
  });

  it('a slot owner in FAIL breaks coverage; in PFAIL it only counts as unreachable', () => {
    const c = cluster(3);
    c.nodes[0].flags |= NodeFlag.PFAIL;
    expect(evaluateHealth(c.input())).toEqual({ ok: true, size: 3, inMinority: false });
    c.nodes[0].flags = NodeFlag.MASTER | NodeFlag.FAIL;
    expect(evaluateHealth(c.input()).ok).toBe(false);
    expect(evaluateHealth(c.input(false)).ok).toBe(true);
  });

  it('needs a majority of the primaries serving slots', () => {
    const c = cluster(4);
    c.nodes[0].flags |= NodeFlag.PFAIL;
    expect(evaluateHealth(c.input(false)).inMinority).toBe(false);
    c.nodes[1].flags |= NodeFlag.FAIL;
    // 2 of 4 reachable: a majority is 3.
    expect(evaluateHealth(c.input(false))).toEqual({ ok: false, size: 4, inMinority: true });
  });

  it('primaries without slots and replicas do not count', () => {
    const extra: N[] = [
      { flags: NodeFlag.MASTER | NodeFlag.FAIL, numSlots: 0 },
      { flags: NodeFlag.SLAVE | NodeFlag.FAIL, numSlots: 0 },
      { flags: NodeFlag.SLAVE | NodeFlag.PFAIL, numSlots: 0 },
    ];
    expect(evaluateHealth(cluster(1, { extra }).input())).toEqual({ ok: true, size: 1, inMinority: false });
  });
});

describe('ClusterHealth over time', () => {
  it('a primary turns ok only 2s after its first evaluation', () => {
    const h = new ClusterHealth();
    const c = cluster(1).input();
    expect(h.update(c, 10_000, true, 15000)).toBe(false);
    expect(h.update(c, 11_999, true, 15000)).toBe(false);
    expect(h.ok).toBe(false);
    expect(h.update(c, 12_000, true, 15000)).toBe(true);
    expect(h.ok).toBe(true);
    expect(h.size).toBe(1);
  });

  it('a replica turns ok at once', () => {
    const h = new ClusterHealth();
    expect(h.update(cluster(1).input(), 10_000, false, 15000)).toBe(true);
    expect(h.ok).toBe(true);
  });

  it('after a minority partition a primary waits the rejoin delay (node timeout within 0.5s..5s)', () => {
    for (const [timeout, delay] of [[15000, 5000], [2000, 2000], [100, 500]]) {
      const h = new ClusterHealth();
      const c = cluster(3);
      h.update(c.input(), 1, true, timeout);
      expect(h.update(c.input(), 5000, true, timeout)).toBe(true);
      c.nodes[1].flags |= NodeFlag.PFAIL;
      c.nodes[2].flags |= NodeFlag.PFAIL;
      expect(h.update(c.input(), 20_000, true, timeout)).toBe(true);
      expect(h.ok).toBe(false);
      c.nodes[1].flags = NodeFlag.MASTER;
      expect(h.update(c.input(), 20_000 + delay - 1, true, timeout)).toBe(false);
      expect(h.update(c.input(), 20_000 + delay, true, timeout)).toBe(true);
      expect(h.ok).toBe(true);
    }
  });

  it('a failure is reported at once', () => {
    const h = new ClusterHealth();
    const c = cluster(2);
    h.update(c.input(), 1, false, 15000);
    expect(h.ok).toBe(true);
    c.nodes[0].flags |= NodeFlag.FAIL;
    expect(h.update(c.input(), 2, false, 15000)).toBe(true);
    expect(h.ok).toBe(false);
  });
});
