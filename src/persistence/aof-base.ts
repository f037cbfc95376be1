// An AOF base file in command form (aof-use-rdb-preamble no): SELECT per database, then per key
// SET, or RPUSH/SADD/ZADD/HMSET in commands of at most 64 elements, a stream as XADD, XSETID,
// XGROUP and XCLAIM commands, and PEXPIREAT for a TTL, the way Redis 7.0 rewrites. It has the same
// shape as the RDB file encoder so a Snapshot can use it.

import { formatId, ID_MAX, StreamCursor, type StreamValue } from '../keyspace/types/stream.js';
import { formatDouble17g } from '../protocol/format.js';
import { fromPlain } from './convert.js';
import type { PlainValue } from './rdb/values.js';
import { rdbFunctions } from './rdb/file.js';

/** Redis's AOF_REWRITE_ITEMS_PER_CMD. */
const ITEMS_PER_CMD = 64;

export class AofBaseEncoder {
  private out = '';

  get pending(): number {
    return this.out.length;
  }

  /** `timestamp`: aof-timestamp-enabled, the file starts with a "#TS:<unix seconds>" line. */
  constructor(private readonly timestamp = false) {}

  /** Function libraries first, as FUNCTION LOAD commands (Redis's rewrite does the same). */
  header(): void {
    if (this.timestamp) this.out += `#TS:${Math.floor(Date.now() / 1000)}\r\n`;
    for (const code of rdbFunctions.dump()) this.command(['FUNCTION', 'LOAD', code]);
  }

  selectDb(id: number): void {
    this.command(['SELECT', String(id)]);
  }

  entry(key: string, v: PlainValue, expireMs: number): void {
    switch (v.type) {
      case 'string':
        this.stringEntry(key, v.value, expireMs);
        return;
      case 'list':
        this.batches('RPUSH', key, v.items, 1, (i) => [v.items[i]]);
        break;
      case 'set':
        this.batches('SADD', key, v.members, 1, (i) => [v.members[i]]);
        break;
      case 'zset':
        this.batches('ZADD', key, v.entries, 2, (i) => [formatDouble17g(v.entries[i][1]), v.entries[i][0]]);
        break;
      case 'hash':
        this.batches('HMSET', key, v.entries, 2, (i) => v.entries[i]);
        break;
      case 'stream':
        this.stream(key, fromPlain(v) as StreamValue);
        break;
    }
    if (expireMs >= 0) this.command(['PEXPIREAT', key, String(expireMs)]);
  }

  stringEntry(key: string, value: string, expireMs: number): void {
    this.command(['SET', key, value]);
    if (expireMs >= 0) this.command(['PEXPIREAT', key, String(expireMs)]);
  }

  raw(bytes: Buffer): void {
    this.out += bytes.latin1Slice(0, bytes.length);
  }

  eof(): void {}

  take(): Buffer {
    const b = Buffer.from(this.out, 'latin1');
    this.out = '';
    return b;
  }

  /** Redis's rewriteStreamObject: entries, then the IDs and counters, then groups and pending entries. */
  private stream(key: string, s: StreamValue): void {
    if (s.length !== 0) {
      const it = new StreamCursor(s, 0n, ID_MAX, false);
      while (it.next()) {
        const n = it.numFields();
        const argv = ['XADD', key, formatId(it.id)];
        for (let k = 0; k < n; k++) argv.push(it.field(k), it.value(k));
        this.command(argv);
      }
    } else {
      // An empty stream: add an entry and trim it away at once.
      this.command(['XADD', key, 'MAXLEN', '0', '0-1', 'x', 'y']);
    }
    this.command(['XSETID', key, formatId(s.lastId), 'ENTRIESADDED', String(BigInt.asIntN(64, s.entriesAdded)), 'MAXDELETEDID', formatId(s.maxDeletedId)]);
    for (const g of s.sortedGroups()) {
      this.command(['XGROUP', 'CREATE', key, g.name, formatId(g.lastId), 'ENTRIESREAD', String(g.entriesRead)]);
      for (const c of g.sortedConsumers()) {
        if (c.pel.size === 0) this.command(['XGROUP', 'CREATECONSUMER', key, g.name, c.name]);
        for (let i = 0; i < c.pel.size; i++) {
          const nack = c.pel.vals[i];
          this.command([
            'XCLAIM', key, g.name, c.name, '0', formatId(c.pel.ids[i]), 'TIME', String(nack.deliveryTime), 'RETRYCOUNT',
            String(BigInt.asIntN(64, nack.deliveryCount)), 'JUSTID', 'FORCE',
          ]);
        }
      }
    }
  }

  private batches(cmd: string, key: string, items: readonly unknown[], width: number, args: (i: number) => readonly string[]): void {
    for (let i = 0; i < items.length; i += ITEMS_PER_CMD) {
      const n = Math.min(ITEMS_PER_CMD, items.length - i);
      let s = `*${2 + n * width}\r\n${bulk(cmd)}${bulk(key)}`;
      for (let k = i; k < i + n; k++) for (const a of args(k)) s += bulk(a);
      this.out += s;
    }
  }

  private command(argv: string[]): void {
    let s = `*${argv.length}\r\n`;
    for (const a of argv) s += bulk(a);
    this.out += s;
  }
}

function bulk(s: string): string {
  return `$${s.length}\r\n${s}\r\n`;
}
