// Cluster routing of one command, as a pure decision over the node's view of the slot map: may this
// node run it, or must the client go elsewhere (MOVED/ASK), retry (TRYAGAIN), split its keys
// (CROSSSLOT) or wait for the cluster (CLUSTERDOWN)? The rules and their order are Redis 7.0's
// getNodeByQuery; the dispatcher calls it only when Redis would (cluster mode, the client is not our
// primary, and the command has keys or is EXEC), and formats refusals with redirectError.

import { ERR } from '../errors.js';

/** The outcome. The order of the numbers carries no meaning. */
export const Route = {
  OK: 0,
  CROSSSLOT: 1,
  TRYAGAIN: 2,
  ASK: 3,
  MOVED: 4,
  /** The cluster state is fail. */
  DOWN_STATE: 5,
  /** The slot of the first key has no owner. */
  DOWN_UNBOUND: 6,
  /** The cluster state is fail and only reads are allowed (cluster-allow-reads-when-down). */
  DOWN_RO_STATE: 7,
} as const;
export type RouteCode = (typeof Route)[keyof typeof Route];

/** The part of a cluster node routing needs: identity (compared by reference) and its address. */
export interface RouteNode {
  /** The endpoint redirections name (ip, or hostname with cluster-preferred-endpoint-type hostname). */
  readonly endpoint: string;
  /** Client port. */
  readonly port: number;
  /** Plaintext client port in a TLS cluster (0: none). */
  readonly pport: number;
}

/** This node's view of the cluster. Arrays are indexed by slot (16384 entries). */
export interface RoutingView {
  readonly myself: RouteNode;
  /** The primary this node replicates, or null when it is a primary itself. */
  readonly myPrimary: RouteNode | null;
  readonly slots: ReadonlyArray<RouteNode | null>;
  /** Set on the source of a migration (CLUSTER SETSLOT <slot> MIGRATING <node>). */
  readonly migratingTo: ReadonlyArray<RouteNode | null>;
  /** Set on the target of a migration (CLUSTER SETSLOT <slot> IMPORTING <node>). */
  readonly importingFrom: ReadonlyArray<RouteNode | null>;
  /** cluster_state:ok. */
  readonly stateOk: boolean;
  readonly allowReadsWhenDown: boolean;
  readonly allowPubsubshardWhenDown: boolean;
}

/** Whether a key exists locally (db 0), for slots being migrated or imported. */
export interface KeyPresence {
  /**
   * Must count a logically expired key as missing without deleting it, and touch no stats, LRU
   * or notifications (Redis looks keys up with NOTOUCH|NOSTATS|NONOTIFY|NOEXPIRE here).
   */
  has(key: string): boolean;
}

/** One command to route. The arrays are the caller's and may be reused between calls. */
export interface RouteQuery {
  /**
   * The keys (for SSUBSCRIBE/SUNSUBSCRIBE/SPUBLISH: the channels) of the command, in key-position
   * order; for EXEC, the keys of every queued command in queue order. Only the first keyCount count.
   */
  readonly keys: readonly string[];
  readonly keyCount: number;
  /** Slots of those keys (keyHashSlot), same indexes. */
  readonly keySlots: ArrayLike<number>;
  /**
   * The command has the write flag (for scripts: the flags Redis derives for the script). For EXEC
   * this is EXEC's own flags, which never include write.
   */
  readonly isWrite: boolean;
  /** EXEC whose queue holds a write command. */
  readonly queueHasWrite: boolean;
  /** EXEC while the client is not in MULTI: it fails on its own, routing stays out of the way. */
  readonly isExecWithoutMulti: boolean;
  /** SSUBSCRIBE, SUNSUBSCRIBE or SPUBLISH. */
  readonly isPubsubShard: boolean;
  /** MIGRATE, which runs locally while its slot is open. */
  readonly isMigrate: boolean;
  /** The command has the asking flag (RESTORE-ASKING). */
  readonly cmdAsking: boolean;
  /** Client flags. */
  readonly asking: boolean;
  readonly readonly: boolean;
}

/** Where a refusal points: the slot (all codes but OK/CROSSSLOT/DOWN_UNBOUND) and node (ASK/MOVED). */
export interface RouteResult {
  slot: number;
  node: RouteNode | null;
}

/**
 * Decide whether this node runs the command. Writes the slot and target node to `out` and returns
 * the route code.
 */
export function routeQuery(view: RoutingView, q: RouteQuery, present: KeyPresence, out: RouteResult): RouteCode {
  out.slot = 0;
  out.node = null;
  if (q.isExecWithoutMulti) return Route.OK;

  let owner: RouteNode | null = null;
  let firstKey: string | null = null;
  let slot = 0;
  let migrating = false;
  let importing = false;
  let multipleKeys = false;
  let missing = 0;
  let existing = 0;
  for (let i = 0; i < q.keyCount; i++) {
    const key = q.keys[i];
    const keySlot = q.keySlots[i];
    if (firstKey === null) {
      firstKey = key;
      slot = keySlot;
      owner = view.slots[slot];
      // The state may not have turned to fail yet: an unowned slot is reported as down right away.
      if (owner === null) return Route.DOWN_UNBOUND;
      if (owner === view.myself && view.migratingTo[slot] !== null) migrating = true;
      else if (view.importingFrom[slot] !== null) importing = true;
    } else if (key !== firstKey) {
      if (keySlot !== slot) return Route.CROSSSLOT;
      multipleKeys = true;
    }
    // Shard channels stay with the source until the slot is handed over: presence does not matter.
    if ((migrating || importing) && !q.isPubsubShard) {
      if (present.has(key)) existing++;
      else missing++;
    }
  }
  if (owner === null) return Route.OK;

  if (!view.stateOk) {
    if (q.isPubsubShard) {
      if (!view.allowPubsubshardWhenDown) return Route.DOWN_STATE;
    } else if (!view.allowReadsWhenDown) {
      return Route.DOWN_STATE;
    } else if (q.isWrite) {
      return Route.DOWN_RO_STATE;
    }
  }
  out.slot = slot;

  if ((migrating || importing) && q.isMigrate) return Route.OK;

  if (migrating && missing > 0) {
    // Some keys already moved and some not: the command cannot run whole on either node.
    if (existing > 0) return Route.TRYAGAIN;
    out.node = view.migratingTo[slot];
    return Route.ASK;
  }

  if (importing && (q.asking || q.cmdAsking)) {
    return multipleKeys && missing > 0 ? Route.TRYAGAIN : Route.OK;
  }

  // A READONLY client may read from a replica of the slot's owner.
  if ((q.readonly || q.isPubsubShard) && !q.isWrite && !q.queueHasWrite && view.myPrimary !== null && view.myPrimary === owner) {
    return Route.OK;
  }

  if (owner !== view.myself) {
    out.node = owner;
    return Route.MOVED;
  }
  return Route.OK;
}

/**
 * Redis's check for a client blocked on keys (BLPOP, BZPOPMIN, XREAD BLOCK...), each time its
 * slot map may have changed: OK to keep waiting, or the error to unblock it with (DOWN_STATE,
 * DOWN_UNBOUND, MOVED). `slot` is the slot of the client's keys (they share one); `isWrite` is
 * whether the blocked command writes.
 */
export function routeBlocked(view: RoutingView, slot: number, readonly: boolean, isWrite: boolean, out: RouteResult): RouteCode {
  out.slot = 0;
  out.node = null;
  // Even with reads allowed while down: only a write could unblock the client, and none will come.
  if (!view.stateOk) return Route.DOWN_STATE;
  let owner = view.slots[slot];
  if (readonly && !isWrite && view.myPrimary !== null && view.myPrimary === owner) owner = view.myself;
  if (owner === view.myself || view.importingFrom[slot] !== null) return Route.OK;
  if (owner === null) return Route.DOWN_UNBOUND;
  out.slot = slot;
  out.node = owner;
  return Route.MOVED;
}

/**
 * The error text for a refusal, as c.reply.error takes it (no leading '-', no CRLF); `port`
 * overrides the node's port (its plaintext port for a non-TLS client of a TLS cluster). Not for
 * Route.OK.
 */
export function redirectError(code: RouteCode, r: RouteResult, port = r.node?.port ?? 0): string {
  switch (code) {
    case Route.CROSSSLOT:
      return ERR.clusterCrossSlot;
    case Route.TRYAGAIN:
      return ERR.clusterTryAgain;
    case Route.DOWN_STATE:
      return ERR.clusterDown;
    case Route.DOWN_UNBOUND:
      return ERR.clusterDownUnbound;
    case Route.DOWN_RO_STATE:
      return ERR.clusterDownReadOnly;
    case Route.ASK:
    case Route.MOVED:
      return ERR.clusterRedirect(code === Route.ASK ? 'ASK' : 'MOVED', r.slot, r.node!.endpoint, port);
    default:
      throw new Error(`no redirection for route code ${code}`);
  }
}
