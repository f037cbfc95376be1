// The stream value. IDs are 128-bit bigints (ms << 64 | seq), so they compare and sort as numbers.
// Entries live in nodes laid out like Redis's listpack nodes (a master entry's fields, per-entry
// flags, deletion tombstones, the same byte arithmetic), because where a node ends is visible:
// approximate trimming removes whole nodes and XINFO reports the node count. Consumer groups,
// consumers and pending entries mirror Redis's structures; Redis keeps them in radix trees, so
// every listing is in byte order of names and in ID order.

import type { RedisObject } from '../db.js';
import { mixDigest, registerDigest } from '../digest.js';
import { jemallocSize, registerMemoryUsage, ROBJ_SIZE } from '../memory.js';
import { server } from '../../server/state.js';
import { LP_OVERHEAD, lpIntSize, lpStringSize } from './listpack.js';

export const U64 = (1n << 64n) - 1n;
export const ID_MAX = (1n << 128n) - 1n;

/** stream-node-max-entries / -bytes, cached from the config. */
export const streamLimits = { maxEntries: 100, maxBytes: 4096 };

server.whenConfigured((config) => {
  config.watch('stream-node-max-entries', (v) => {
    streamLimits.maxEntries = Number(v);
  });
  config.watch('stream-node-max-bytes', (v) => {
    streamLimits.maxBytes = Number(v);
  });
});

/** "ms-seq" */
export function formatId(id: bigint): string {
  return `${id >> 64n}-${id & U64}`;
}

/** Index of the first of the sorted ids that is >= id (ids.length when none). */
function idLowerBound(ids: readonly bigint[], id: bigint): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Entry flags, as Redis stores them in the listpack. */
const FLAG_DELETED = 1;
const FLAG_SAMEFIELDS = 2;
/** Redis's cap on a listpack's size (1 GB). */
const LISTPACK_MAX_SIZE = 1 << 30;

/** A node: what Redis keeps in one listpack of the stream's radix tree. */
export class StreamNode {
  ids: bigint[] = [];
  flags: number[] = [];
  /** Values only for SAMEFIELDS entries, else field, value, field, value... */
  data: string[][] = [];
  live = 0;
  deleted = 0;
  /** Listpack bytes, except the live and deleted counters (whose width varies). */
  bytes: number;
  /** Created by XADD, so allocated with room to grow (loaded ones are allocated to size). */
  preallocated = false;

  /** The master ID's parts, which entry IDs are stored relative to. */
  private readonly masterMs: bigint;
  private readonly masterSeq: bigint;

  constructor(readonly master: bigint, readonly fields: string[]) {
    this.masterMs = master >> 64n;
    this.masterSeq = master & U64;
    let b = LP_OVERHEAD + lpIntSize(fields.length) + lpIntSize(0);
    for (const f of fields) b += lpStringSize(f);
    this.bytes = b;
  }

  lpBytes(): number {
    return this.bytes + lpIntSize(this.live) + lpIntSize(this.deleted);
  }

  /** Append an entry; argv[from..] holds field, value pairs. */
  append(id: bigint, argv: string[], from: number): void {
    const n = (argv.length - from) / 2;
    let same = n === this.fields.length;
    for (let i = 0; same && i < n; i++) if (argv[from + 2 * i] !== this.fields[i]) same = false;
    const d = new Array<string>(same ? n : 2 * n);
    let b = lpIntSize(same ? FLAG_SAMEFIELDS : 0) + lpIntSize(BigInt.asIntN(64, (id >> 64n) - this.masterMs)) +
      lpIntSize(BigInt.asIntN(64, (id & U64) - this.masterSeq));
    if (same) {
      for (let i = 0; i < n; i++) {
        d[i] = argv[from + 2 * i + 1];
        b += lpStringSize(d[i]);
      }
      b += lpIntSize(n + 3);
    } else {
      for (let i = 0; i < 2 * n; i++) {
        d[i] = argv[from + i];
        b += lpStringSize(d[i]);
      }
      b += lpIntSize(n) + lpIntSize(2 * n + 4);
    }
    this.ids.push(id);
    this.flags.push(same ? FLAG_SAMEFIELDS : 0);
    this.data.push(d);
    this.live++;
    this.bytes += b;
  }

  /** Index of the first entry with an ID >= id (ids.length when none). */
  lowerBound(id: bigint): number {
    return idLowerBound(this.ids, id);
  }

  numFields(i: number): number {
    return this.flags[i] & FLAG_SAMEFIELDS ? this.fields.length : this.data[i].length / 2;
  }

  field(i: number, k: number): string {
    return this.flags[i] & FLAG_SAMEFIELDS ? this.fields[k] : this.data[i][2 * k];
  }

  value(i: number, k: number): string {
    return this.flags[i] & FLAG_SAMEFIELDS ? this.data[i][k] : this.data[i][2 * k + 1];
  }

  /** Last entry ID, deleted or not (what Redis reads from the listpack's tail). */
  lastId(): bigint {
    return this.ids[this.ids.length - 1];
  }

  /** The node's listpack elements in Redis's layout (integers as bigints, strings as stored). */
  elements(): (string | bigint)[] {
    const out: (string | bigint)[] = [BigInt(this.live), BigInt(this.deleted), BigInt(this.fields.length)];
    for (const f of this.fields) out.push(f);
    out.push(0n);
    const masterMs = this.masterMs;
    const masterSeq = this.masterSeq;
    for (let i = 0; i < this.ids.length; i++) {
      const id = this.ids[i];
      const flags = this.flags[i];
      const d = this.data[i];
      out.push(BigInt(flags), BigInt.asIntN(64, (id >> 64n) - masterMs), BigInt.asIntN(64, (id & U64) - masterSeq));
      if (flags & FLAG_SAMEFIELDS) {
        for (const v of d) out.push(v);
        out.push(BigInt(d.length + 3));
      } else {
        out.push(BigInt(d.length / 2));
        for (const v of d) out.push(v);
        out.push(BigInt(d.length + 4));
      }
    }
    return out;
  }

  /** Rebuild a node from its listpack elements (integers in decimal); throws on a malformed one. */
  static fromElements(master: bigint, els: string[], lpBytes: number): StreamNode {
    let p = 0;
    const int = (): bigint => {
      if (p >= els.length) throw new Error('stream listpack ends inside an entry');
      const v = els[p++];
      if (!/^-?\d+$/.test(v)) throw new Error(`stream listpack has '${v}' where an integer belongs`);
      return BigInt(v);
    };
    const str = (): string => {
      if (p >= els.length) throw new Error('stream listpack ends inside an entry');
      return els[p++];
    };
    const live = Number(int());
    const deleted = Number(int());
    const nf = Number(int());
    const fields: string[] = [];
    for (let i = 0; i < nf; i++) fields.push(str());
    if (int() !== 0n) throw new Error('stream listpack master entry lacks its terminator');
    const n = new StreamNode(master, fields);
    const masterMs = master >> 64n;
    const masterSeq = master & U64;
    let seenLive = 0;
    while (p < els.length) {
      const flags = Number(int());
      const id = ((BigInt.asUintN(64, masterMs + int())) << 64n) | BigInt.asUintN(64, masterSeq + int());
      let d: string[];
      if (flags & FLAG_SAMEFIELDS) {
        d = [];
        for (let i = 0; i < nf; i++) d.push(str());
      } else {
        const k = Number(int());
        d = [];
        for (let i = 0; i < 2 * k; i++) d.push(str());
      }
      int(); // lp-count, for walking backwards
      if (n.ids.length !== 0 && id <= n.ids[n.ids.length - 1]) throw new Error('stream listpack entries out of order');
      n.ids.push(id);
      n.flags.push(flags);
      n.data.push(d);
      if ((flags & FLAG_DELETED) === 0) seenLive++;
    }
    if (seenLive !== live || n.ids.length !== live + deleted) throw new Error('stream listpack counters do not match its entries');
    if (n.ids.length === 0) throw new Error('stream listpack without entries');
    n.live = live;
    n.deleted = deleted;
    n.bytes = lpBytes - lpIntSize(live) - lpIntSize(deleted);
    return n;
  }

  clone(): StreamNode {
    const n = new StreamNode(this.master, this.fields.slice());
    n.ids = this.ids.slice();
    n.flags = this.flags.slice();
    n.data = this.data.map((d) => d.slice());
    n.live = this.live;
    n.deleted = this.deleted;
    n.bytes = this.bytes;
    n.preallocated = this.preallocated;
    return n;
  }
}

/** Entries kept in ID order, for pending-entry lists. */
export class IdMap<T> {
  ids: bigint[] = [];
  vals: T[] = [];

  get size(): number {
    return this.ids.length;
  }

  lowerBound(id: bigint): number {
    return idLowerBound(this.ids, id);
  }

  get(id: bigint): T | undefined {
    const i = this.lowerBound(id);
    return i < this.ids.length && this.ids[i] === id ? this.vals[i] : undefined;
  }

  /** Insert when absent; false if the ID is already there. */
  insert(id: bigint, v: T): boolean {
    const i = this.lowerBound(id);
    if (i < this.ids.length && this.ids[i] === id) return false;
    if (i === this.ids.length) {
      this.ids.push(id);
      this.vals.push(v);
    } else {
      this.ids.splice(i, 0, id);
      this.vals.splice(i, 0, v);
    }
    return true;
  }

  delete(id: bigint): boolean {
    const i = this.lowerBound(id);
    if (i >= this.ids.length || this.ids[i] !== id) return false;
    this.ids.splice(i, 1);
    this.vals.splice(i, 1);
    return true;
  }
}

/** A delivered, not yet acknowledged entry. */
export class Nack {
  /** deliveryCount is a 64-bit unsigned counter, as in Redis. */
  constructor(public consumer: Consumer | null, public deliveryTime: number, public deliveryCount: bigint) {}
}

export class Consumer {
  readonly pel = new IdMap<Nack>();
  constructor(readonly name: string, public seenTime: number) {}
}

/** entries_read when it is unknown. */
export const ENTRIES_READ_INVALID = -1n;

export class ConsumerGroup {
  readonly pel = new IdMap<Nack>();
  readonly consumers = new Map<string, Consumer>();
  constructor(readonly name: string, public lastId: bigint, public entriesRead: bigint) {}

  /** Consumers in Redis's (radix tree) order. */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Create a consumer; null when it exists. */
  createConsumer(name: string, now: number): Consumer | null {
    if (this.consumers.has(name)) return null;
    const c = new Consumer(name, now);
    this.consumers.set(name, c);
    return c;
  }

  /** Remove a consumer and its pending entries from the group's PEL. */
  deleteConsumer(c: Consumer): void {
    for (const id of c.pel.ids) this.pel.delete(id);
    this.consumers.delete(c.name);
  }
}

/** A position in a stream: node index and entry index within it. */
export class StreamCursor {
  /** The current entry's ID (after next() returned true). */
  id = 0n;
  private node = 0;
  /** Next entry to look at in the node. */
  private idx = 0;
  /** The current entry: its node and index there. */
  private n: StreamNode | null = null;
  private cur = 0;

  constructor(private s: StreamValue, private start: bigint, private end: bigint, private rev: boolean) {
    const nodes = s.nodes;
    if (!rev) {
      this.node = s.nodeFor(start);
      if (this.node < 0) this.node = 0;
      this.idx = this.node < nodes.length ? nodes[this.node].lowerBound(start) : 0;
    } else {
      this.node = s.nodeFor(end);
      if (this.node >= 0) {
        const nd = nodes[this.node];
        const i = nd.lowerBound(end);
        this.idx = i < nd.ids.length && nd.ids[i] === end ? i : i - 1;
      }
    }
  }

  /** Advance to the next live entry in range; false at the end. */
  next(): boolean {
    const nodes = this.s.nodes;
    if (!this.rev) {
      while (this.node < nodes.length) {
        const nd = nodes[this.node];
        while (this.idx < nd.ids.length) {
          const i = this.idx++;
          const id = nd.ids[i];
          if (id > this.end) {
            this.node = nodes.length;
            return false;
          }
          if ((nd.flags[i] & FLAG_DELETED) === 0 && id >= this.start) {
            this.n = nd;
            this.id = id;
            this.cur = i;
            return true;
          }
        }
        this.node++;
        this.idx = 0;
      }
      return false;
    }
    while (this.node >= 0) {
      const nd = nodes[this.node];
      while (this.idx >= 0) {
        const i = this.idx--;
        const id = nd.ids[i];
        if (id < this.start) {
          this.node = -1;
          return false;
        }
        if ((nd.flags[i] & FLAG_DELETED) === 0 && id <= this.end) {
          this.n = nd;
          this.id = id;
          this.cur = i;
          return true;
        }
      }
      this.node--;
      if (this.node >= 0) this.idx = nodes[this.node].ids.length - 1;
    }
    return false;
  }

  numFields(): number {
    return this.n!.numFields(this.cur);
  }

  field(k: number): string {
    return this.n!.field(this.cur, k);
  }

  value(k: number): string {
    return this.n!.value(this.cur, k);
  }

  /** Delete the current entry (Redis's streamIteratorRemoveEntry). */
  remove(): void {
    const nd = this.n!;
    nd.flags[this.cur] |= FLAG_DELETED;
    nd.live--;
    nd.deleted++;
    this.s.length--;
    if (nd.live === 0) {
      const at = this.s.nodes.indexOf(nd);
      this.s.nodes.splice(at, 1);
      if (!this.rev) {
        this.node = at;
        this.idx = 0;
      } else {
        this.node = at - 1;
        this.idx = this.node >= 0 ? this.s.nodes[this.node].ids.length - 1 : 0;
      }
    }
  }
}

export const TRIM_NONE = 0;
export const TRIM_MAXLEN = 1;
export const TRIM_MINID = 2;

export interface TrimArgs {
  strategy: number;
  approx: boolean;
  /** 0 = no limit on the entries removed. */
  limit: number;
  maxlen: number;
  minid: bigint;
}

export class StreamValue implements RedisObject {
  readonly type = 'stream' as const;
  nodes: StreamNode[] = [];
  length = 0;
  lastId = 0n;
  firstId = 0n;
  maxDeletedId = 0n;
  /** 64-bit counters (XSETID and ENTRIESREAD can set any value): bigints. */
  entriesAdded = 0n;
  groups: Map<string, ConsumerGroup> | null = null;

  encoding(): string {
    return 'stream';
  }

  clone(): StreamValue {
    const s = new StreamValue();
    s.nodes = this.nodes.map((n) => n.clone());
    s.length = this.length;
    s.lastId = this.lastId;
    s.firstId = this.firstId;
    s.maxDeletedId = this.maxDeletedId;
    s.entriesAdded = this.entriesAdded;
    if (this.groups !== null) {
      s.groups = new Map();
      for (const g of this.groups.values()) {
        const ng = new ConsumerGroup(g.name, g.lastId, g.entriesRead);
        const byOld = new Map<Consumer, Consumer>();
        for (const c of g.consumers.values()) {
          const nc = new Consumer(c.name, c.seenTime);
          ng.consumers.set(c.name, nc);
          byOld.set(c, nc);
        }
        for (let i = 0; i < g.pel.size; i++) {
          const old = g.pel.vals[i];
          const nack = new Nack(old.consumer === null ? null : byOld.get(old.consumer)!, old.deliveryTime, old.deliveryCount);
          ng.pel.insert(g.pel.ids[i], nack);
          if (nack.consumer !== null) nack.consumer.pel.insert(g.pel.ids[i], nack);
        }
        s.groups.set(g.name, ng);
      }
    }
    return s;
  }

  /** Index of the node that would hold id (the last whose master ID is <= id), -1 if before all. */
  nodeFor(id: bigint): number {
    let lo = 0;
    let hi = this.nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.nodes[mid].master <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /**
   * Append an entry with this ID (already checked to be above lastId); argv[from..] holds field,
   * value pairs. False when the fields are too large for a listpack.
   */
  append(id: bigint, argv: string[], from: number): boolean {
    let total = 0;
    for (let i = from; i < argv.length; i++) total += argv[i].length;
    if (total > LISTPACK_MAX_SIZE) return false;
    let tail = this.nodes.length > 0 ? this.nodes[this.nodes.length - 1] : null;
    if (tail !== null) {
      let maxBytes = streamLimits.maxBytes;
      if (maxBytes === 0 || maxBytes > LISTPACK_MAX_SIZE) maxBytes = LISTPACK_MAX_SIZE;
      if (tail.lpBytes() + total >= maxBytes) tail = null;
      else if (streamLimits.maxEntries !== 0 && tail.live + tail.deleted >= streamLimits.maxEntries) tail = null;
    }
    if (tail === null) {
      const fields = new Array<string>((argv.length - from) / 2);
      for (let i = 0; i < fields.length; i++) fields[i] = argv[from + 2 * i];
      tail = new StreamNode(id, fields);
      tail.preallocated = true;
      this.nodes.push(tail);
    }
    tail.append(id, argv, from);
    this.length++;
    this.entriesAdded = BigInt.asUintN(64, this.entriesAdded + 1n);
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
    return true;
  }

  /** First (or last) live entry ID, 0 (or the maximum) when empty. */
  edgeId(first: boolean): bigint {
    const c = new StreamCursor(this, 0n, ID_MAX, !first);
    return c.next() ? c.id : first ? ID_MAX : 0n;
  }

  /** First entry ID, deleted or not (what XADD/XTRIM propagate for an approximate MINID). */
  firstNodeId(): bigint {
    return this.nodes.length === 0 ? ID_MAX : this.nodes[0].ids[0];
  }

  /** Last live entry ID (0 when empty). */
  lastValidId(): bigint {
    return this.length === 0 ? 0n : this.edgeId(false);
  }

  exists(id: bigint): boolean {
    const c = new StreamCursor(this, id, id, false);
    return c.next();
  }

  /** Delete one entry; false if it is not there. */
  deleteEntry(id: bigint): boolean {
    const c = new StreamCursor(this, id, id, false);
    if (!c.next()) return false;
    c.remove();
    return true;
  }

  /** Redis's streamTrim: entries removed from the head. */
  trim(a: TrimArgs): number {
    if (a.strategy === TRIM_NONE) return 0;
    let deleted = 0;
    while (this.nodes.length > 0) {
      if (a.strategy === TRIM_MAXLEN && this.length <= a.maxlen) break;
      const nd = this.nodes[0];
      const entries = nd.live;
      if (a.limit !== 0 && deleted + entries > a.limit) break;
      const removeNode = a.strategy === TRIM_MAXLEN ? this.length - entries >= a.maxlen : nd.lastId() < a.minid;
      if (removeNode) {
        this.nodes.shift();
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (a.approx) break;
      for (let i = 0; i < nd.ids.length; i++) {
        const stop = a.strategy === TRIM_MAXLEN ? this.length <= a.maxlen : nd.ids[i] >= a.minid;
        if (stop) break;
        if ((nd.flags[i] & FLAG_DELETED) === 0) {
          nd.flags[i] |= FLAG_DELETED;
          nd.live--;
          nd.deleted++;
          this.length--;
          deleted++;
        }
      }
      break;
    }
    if (this.length === 0) this.firstId = 0n;
    else if (deleted !== 0) this.firstId = this.edgeId(true);
    return deleted;
  }

  group(name: string): ConsumerGroup | undefined {
    return this.groups?.get(name);
  }

  /** Create a group; null when the name is taken. */
  createGroup(name: string, lastId: bigint, entriesRead: bigint): ConsumerGroup | null {
    if (this.groups === null) this.groups = new Map();
    if (this.groups.has(name)) return null;
    const g = new ConsumerGroup(name, lastId, entriesRead);
    this.groups.set(name, g);
    return g;
  }

  /** Groups in Redis's (radix tree) order. */
  sortedGroups(): ConsumerGroup[] {
    if (this.groups === null) return [];
    return [...this.groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Whether an entry deleted by XDEL may lie in [start, end] (Redis's streamRangeHasTombstones). */
  rangeHasTombstones(start: bigint, end: bigint): boolean {
    if (this.length === 0 || this.maxDeletedId === 0n) return false;
    if (this.firstId > this.maxDeletedId) return false;
    return start <= this.maxDeletedId && this.maxDeletedId <= end;
  }

  /** How many entries were added before and including id, when that can be known; -1 if not. */
  estimateDistance(id: bigint): bigint {
    if (this.entriesAdded === 0n) return 0n;
    if (this.length === 0 && id <= this.lastId) return this.entriesAdded;
    if (id === this.lastId) return this.entriesAdded;
    if (id > this.lastId) return ENTRIES_READ_INVALID;
    if (this.maxDeletedId === 0n || this.maxDeletedId < this.firstId) {
      if (id < this.firstId) return this.entriesAdded - BigInt(this.length);
      if (id === this.firstId) return this.entriesAdded - BigInt(this.length) + 1n;
    }
    return ENTRIES_READ_INVALID;
  }

  /** A group's lag, or null when it cannot be known. */
  lag(g: ConsumerGroup): bigint | null {
    if (this.entriesAdded === 0n) return 0n;
    // Redis subtracts as signed 64-bit integers.
    if (g.entriesRead !== ENTRIES_READ_INVALID && !this.rangeHasTombstones(g.lastId, ID_MAX)) return BigInt.asIntN(64, this.entriesAdded - g.entriesRead);
    const read = this.estimateDistance(g.lastId);
    return read === ENTRIES_READ_INVALID ? null : BigInt.asIntN(64, this.entriesAdded - read);
  }

  /** Nodes of the radix tree Redis would hold these node keys in (XINFO radix-tree-nodes). */
  radixNodes(): number {
    return raxNodes(this.nodes.map((n) => n.master));
  }
}

/** Nodes of a radix tree holding these (sorted) IDs as 16-byte keys. */
function raxNodes(ids: readonly bigint[]): number {
  if (ids.length === 0) return 1;
  const keys = ids.map(idBytes);
  return raxCount(keys, 0, keys.length, 0);
}

/** The 16-byte big-endian key of an ID, as a latin1 string. */
function idBytes(id: bigint): string {
  let s = '';
  for (let shift = 120n; shift >= 0n; shift -= 8n) s += String.fromCharCode(Number((id >> shift) & 0xffn));
  return s;
}

/** Nodes of a compressed radix tree holding keys[lo..hi) (sorted, same length, sharing `depth` bytes). */
function raxCount(keys: string[], lo: number, hi: number, depth: number): number {
  const len = keys[lo].length;
  if (depth === len) return 1;
  const a = keys[lo];
  const b = keys[hi - 1];
  let p = depth;
  while (p < len && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  // A run of shared bytes is one compressed node; where keys differ, one branching node.
  if (p > depth) return 1 + raxCount(keys, lo, hi, p);
  let n = 1;
  let i = lo;
  while (i < hi) {
    let j = i + 1;
    while (j < hi && keys[j].charCodeAt(depth) === keys[i].charCodeAt(depth)) j++;
    n += raxCount(keys, i, j, depth + 1);
    i = j;
  }
  return n;
}

// DEBUG DIGEST-VALUE: each entry's "ms.seq", then its fields and values, in order (as Redis).
registerDigest('stream', (digest, v) => {
  const s = v as StreamValue;
  const it = new StreamCursor(s, 0n, ID_MAX, false);
  while (it.next()) {
    mixDigest(digest, `${it.id >> 64n}.${it.id & U64}`);
    const n = it.numFields();
    for (let k = 0; k < n; k++) {
      mixDigest(digest, it.field(k));
      mixDigest(digest, it.value(k));
    }
  }
});

/** Redis's streamRadixTreeMemoryUsage: keys, nodes and a fixed overhead per node. */
function raxUsage(ids: readonly bigint[]): number {
  return ids.length * 16 + raxNodes(ids) * (4 + 8 * 30);
}

/** sizeof(stream), sizeof(streamCG), sizeof(streamConsumer), sizeof(streamNACK) on 64-bit Redis 7.0. */
const STREAM_STRUCT = 80;
const CG_STRUCT = 40;
const CONSUMER_STRUCT = 24;
const NACK_STRUCT = 24;
/** A new node's listpack is allocated at this size up front (Redis's STREAM_LISTPACK_MAX_PRE_ALLOCATE). */
const LP_PREALLOC = 4096;

// MEMORY USAGE: Redis's objectComputeSize for streams, with listpack allocations as jemalloc rounds them.
registerMemoryUsage('stream', (v, samples) => {
  const s = v as StreamValue;
  let size = ROBJ_SIZE + STREAM_STRUCT + raxUsage(s.nodes.map((n) => n.master));
  const nodes = s.nodes;
  const alloc = (i: number): number => {
    const bytes = nodes[i].lpBytes();
    const prealloc = Math.min(LP_PREALLOC, streamLimits.maxBytes > 0 ? streamLimits.maxBytes : LP_PREALLOC);
    return jemallocSize(i === nodes.length - 1 && nodes[i].preallocated ? Math.max(bytes, prealloc) : bytes);
  };
  const want = samples === 0 ? nodes.length : samples;
  let lp = 0;
  let taken = 0;
  while (taken < want && taken < nodes.length) lp += alloc(taken++);
  if (nodes.length <= taken) size += lp;
  else size += Math.floor(lp / taken) * (nodes.length - 1) + alloc(nodes.length - 1);
  if (s.groups !== null) {
    for (const g of s.groups.values()) {
      size += CG_STRUCT + raxUsage(g.pel.ids) + NACK_STRUCT * g.pel.size;
      for (const c of g.consumers.values()) size += CONSUMER_STRUCT + c.name.length + raxUsage(c.pel.ids);
    }
  }
  return size;
});
