// Taking in another primary's slot claim (from its PING/PONG, or an UPDATE about it), with Redis
// 7.0's rules (clusterUpdateSlotsConfigWith): a claim wins a slot that is unclaimed or held with
// an older configEpoch, never a slot we are importing. If that leaves our shard without slots we
// follow the claimant as a replica (we were failed over); a replica of a replica moves up to its
// grand-primary; otherwise keys left in slots we lost are deleted.

import { bitmapClear, bitmapSet, bitmapTest } from './bus/codec.js';
import { CLUSTER_SLOTS } from './slots.js';
import type { ClusterNode, ClusterState } from './state.js';

/** Keys this node holds per slot. */
export interface SlotKeyCounter {
  countKeysInSlot(slot: number): number;
}

export interface SlotConfigResult {
  /** A slot changed owner: update cluster_state and save nodes.conf with fsync. */
  changed: boolean;
  /**
   * 'replicate': this node now replicates `primary` in the model (ClusterState.replicate was
   * applied); the caller points replication at it, resets any manual failover, saves with fsync.
   * 'delete-keys': drop the keys of `slots`, which this node no longer serves.
   */
  action: { kind: 'none' } | { kind: 'replicate'; primary: ClusterNode } | { kind: 'delete-keys'; slots: number[] };
}

export function updateSlotsConfigWith(
  st: ClusterState,
  sender: ClusterNode,
  senderConfigEpoch: number,
  claimed: Uint8Array,
  keys: SlotKeyCounter,
  allowReplicaMigration: boolean,
): SlotConfigResult {
  const none: SlotConfigResult = { changed: false, action: { kind: 'none' } };
  // An UPDATE about ourselves carries nothing we do not know better.
  if (sender === st.myself) return none;
  const me = st.myself;
  const myShardPrimary = me.isPrimary() ? me : me.primary;
  const dirty: number[] = [];
  let newPrimary: ClusterNode | null = null;
  let senderSlots = 0;
  let movedFromMyShard = 0;
  let changed = false;
  for (let slot = 0; slot < CLUSTER_SLOTS; slot++) {
    if (!bitmapTest(claimed, slot)) {
      // Still bound to the sender, which stopped claiming it: keep it bound (no errors for
      // clients), but do not spread it in UPDATEs.
      if (st.slots[slot] === sender) bitmapSet(st.ownerNotClaimingSlot, slot);
      continue;
    }
    senderSlots++;
    const owner = st.slots[slot];
    if (owner === sender) {
      bitmapClear(st.ownerNotClaimingSlot, slot);
      continue;
    }
    // A slot being imported changes hands only by the admin closing it.
    if (st.importingFrom[slot] !== null) continue;
    if (!st.isSlotUnclaimed(slot) && owner!.configEpoch >= senderConfigEpoch) continue;
    if (owner === me && keys.countKeysInSlot(slot) > 0) dirty.push(slot);
    if (owner !== null && owner === myShardPrimary) {
      newPrimary = sender;
      movedFromMyShard++;
    }
    st.delSlot(slot);
    st.addSlot(slot, sender);
    bitmapClear(st.ownerNotClaimingSlot, slot);
    changed = true;
  }
  if (newPrimary !== null && myShardPrimary !== null && myShardPrimary.numSlots === 0 && (allowReplicaMigration || senderSlots === movedFromMyShard)) {
    st.replicate(sender);
    return { changed: true, action: { kind: 'replicate', primary: sender } };
  }
  const grand = me.primary?.primary ?? null;
  // A replica whose primary turned replica would replicate a replica; CLUSTER FAILOVER TAKEOVER
  // can even make that ourselves, which is left to the admin.
  if (grand !== null && grand !== me) {
    st.replicate(grand);
    return { changed: true, action: { kind: 'replicate', primary: grand } };
  }
  if (dirty.length > 0) return { changed, action: { kind: 'delete-keys', slots: dirty } };
  return { changed, action: { kind: 'none' } };
}
