import { describe, expect, it } from 'vitest';
import { bitmapSet, bitmapTest, NodeFlag, SLOTS_BITMAP_LEN } from '../../src/cluster/bus/codec.js';
import { updateSlotsConfigWith, type SlotKeyCounter } from '../../src/cluster/slot-config.js';
import { ClusterState, randomNodeId, type ClusterNode } from '../../src/cluster/state.js';

const noKeys: SlotKeyCounter = { countKeysInSlot: () => 0 };
const keysIn = (...slots: number[]): SlotKeyCounter => ({ countKeysInSlot: (s) => (slots.includes(s) ? 3 : 0) });

function claim(...slots: number[]): Uint8Array {
  const b = new Uint8Array(SLOTS_BITMAP_LEN);
  for (const s of slots) bitmapSet(b, s);
  return b;
}

/** Me: a primary with slots 0-3 (epoch 2). S: another primary with slot 10 (epoch 5). */
function setup(): { st: ClusterState; s: ClusterNode } {
  const st = new ClusterState({ preferredEndpoint: 'ip', requireFullCoverage: true, allowReadsWhenDown: false, allowPubsubshardWhenDown: true }, 0);
  for (let i = 0; i < 4; i++) st.addSlot(i, st.myself);
  st.myself.configEpoch = 2;
  const s = st.createNode(randomNodeId(), NodeFlag.MASTER, 0);
  s.configEpoch = 5;
  st.addSlot(10, s);
  return { st, s };
}

describe('updateSlotsConfigWith follows clusterUpdateSlotsConfigWith', () => {
  it('binds unassigned slots to the claimant', () => {
    const { st, s } = setup();
    expect(updateSlotsConfigWith(st, s, 5, claim(10, 20, 21), noKeys, true)).toEqual({ changed: true, action: { kind: 'none' } });
    expect([st.slots[20], st.slots[21], s.numSlots]).toEqual([s, s, 3]);
  });

  it('takes a slot only with a newer configEpoch', () => {
    const { st, s } = setup();
    expect(updateSlotsConfigWith(st, s, 2, claim(10, 0), noKeys, true).changed).toBe(false);
    expect(st.slots[0]).toBe(st.myself);
    const r = updateSlotsConfigWith(st, s, 3, claim(10, 0), keysIn(0), true);
    expect(st.slots[0]).toBe(s);
    // I keep slots 1-3: the keys of the lost slot go.
    expect(r).toEqual({ changed: true, action: { kind: 'delete-keys', slots: [0] } });
  });

  it('never moves a slot being imported', () => {
    const { st, s } = setup();
    st.importingFrom[30] = s;
    const other = st.createNode(randomNodeId(), NodeFlag.MASTER, 0);
    updateSlotsConfigWith(st, other, 9, claim(30), noKeys, true);
    expect(st.slots[30]).toBeNull();
  });

  it('keeps a slot its owner stopped claiming bound, and marks it unclaimed until claimed again', () => {
    const { st, s } = setup();
    expect(updateSlotsConfigWith(st, s, 5, claim(), noKeys, true).changed).toBe(false);
    expect(st.slots[10]).toBe(s);
    expect(st.isSlotUnclaimed(10)).toBe(true);
    // Anyone may take it now, even with an older epoch.
    const other = st.createNode(randomNodeId(), NodeFlag.MASTER, 0);
    updateSlotsConfigWith(st, other, 1, claim(10), noKeys, true);
    expect(st.slots[10]).toBe(other);
    expect(bitmapTest(st.ownerNotClaimingSlot, 10)).toBe(false);
  });

  it('a primary that lost all its slots becomes a replica of the new owner, keys kept for the resync', () => {
    const { st, s } = setup();
    st.migratingTo[2] = s;
    const r = updateSlotsConfigWith(st, s, 6, claim(0, 1, 2, 3, 10), keysIn(0, 1), true);
    expect(r).toEqual({ changed: true, action: { kind: 'replicate', primary: s } });
    expect(st.myself.flags).toBe(NodeFlag.MYSELF | NodeFlag.SLAVE);
    expect(st.myself.primary).toBe(s);
    expect(s.replicas).toEqual([st.myself]);
    expect(st.migratingTo[2]).toBeNull();
  });

  it('without replica migration, follows only a claimant that took exactly our slots', () => {
    const { st, s } = setup();
    const r = updateSlotsConfigWith(st, s, 6, claim(0, 1, 2, 3, 10), keysIn(3), false);
    expect(r).toEqual({ changed: true, action: { kind: 'delete-keys', slots: [3] } });
    expect(st.myself.isPrimary()).toBe(true);
    const fresh = setup();
    const t = fresh.st.createNode(randomNodeId(), NodeFlag.MASTER, 0);
    expect(updateSlotsConfigWith(fresh.st, t, 6, claim(0, 1, 2, 3), noKeys, false).action).toEqual({ kind: 'replicate', primary: t });
  });

  it('a replica follows whoever took all of its primary\'s slots', () => {
    const { st, s } = setup();
    const p = st.createNode(randomNodeId(), NodeFlag.MASTER, 0);
    for (let i = 0; i < 4; i++) st.delSlot(i);
    for (let i = 0; i < 4; i++) st.addSlot(i, p);
    st.myself.flags = NodeFlag.MYSELF | NodeFlag.SLAVE;
    st.setPrimaryOf(st.myself, p);
    expect(updateSlotsConfigWith(st, s, 6, claim(0, 1, 2, 3, 10), noKeys, true).action).toEqual({ kind: 'replicate', primary: s });
    expect(st.myself.primary).toBe(s);
    expect(p.replicas).toEqual([]);
  });

  it('a replica of a replica moves up to the grand-primary', () => {
    const { st, s } = setup();
    for (let i = 0; i < 4; i++) st.delSlot(i);
    const r = st.createNode(randomNodeId(), NodeFlag.SLAVE, 0);
    st.setPrimaryOf(r, s);
    st.myself.flags = NodeFlag.MYSELF | NodeFlag.SLAVE;
    st.setPrimaryOf(st.myself, r);
    const other = st.createNode(randomNodeId(), NodeFlag.MASTER, 0);
    expect(updateSlotsConfigWith(st, other, 1, claim(), noKeys, true).action).toEqual({ kind: 'replicate', primary: s });
  });

  it('ignores news about myself', () => {
    const { st } = setup();
    expect(updateSlotsConfigWith(st, st.myself, 99, claim(50), noKeys, true)).toEqual({ changed: false, action: { kind: 'none' } });
    expect(st.slots[50]).toBeNull();
  });
});

describe('role changes in the model', () => {
  it('a promoted replica becomes a primary, flagged as a migration target', () => {
    const { st, s } = setup();
    const r = st.createNode(randomNodeId(), NodeFlag.SLAVE, 0);
    st.setPrimaryOf(r, s);
    expect(st.setNodeAsPrimary(r)).toBe(true);
    expect(r.flags).toBe(NodeFlag.MASTER | NodeFlag.MIGRATE_TO);
    expect([r.primary, s.replicas.length]).toEqual([null, 0]);
    expect(st.setNodeAsPrimary(r)).toBe(false);
  });

  it('a node serving slots cannot turn replica', () => {
    const { st, s } = setup();
    expect(() => st.replicate(s)).toThrow();
    expect(() => st.replicate(st.myself)).toThrow();
  });
});
