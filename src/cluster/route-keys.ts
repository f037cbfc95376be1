// The RouteQuery the dispatcher fills for each command in cluster mode: one instance reused for
// every command, so routing allocates nothing for fixed key positions (movable-key commands
// allocate their position list in getKeys, as elsewhere).

import type { CommandSpec } from '../commands/spec.js';
import type { RouteQuery } from './routing.js';
import { keyHashSlot } from './slots.js';

export class RouteQueryBuffer implements RouteQuery {
  readonly keys: string[] = [];
  readonly keySlots: number[] = [];
  keyCount = 0;
  isWrite = false;
  queueHasWrite = false;
  isExecWithoutMulti = false;
  isPubsubShard = false;
  isMigrate = false;
  cmdAsking = false;
  asking = false;
  readonly = false;

  /** Start a new command: no keys, every flag off. */
  reset(): void {
    this.keyCount = 0;
    this.isWrite = false;
    this.queueHasWrite = false;
    this.isExecWithoutMulti = false;
    this.isPubsubShard = false;
    this.isMigrate = false;
    this.cmdAsking = false;
    this.asking = false;
    this.readonly = false;
  }

  /** Append the keys of one call (for EXEC, call once per queued command, in order). */
  addCommandKeys(spec: CommandSpec, argv: string[]): void {
    if (spec.getKeys !== undefined) {
      const positions = spec.getKeys(argv);
      for (let i = 0; i < positions.length; i++) this.addKey(argv[positions[i]]);
      return;
    }
    if (spec.firstKey === 0) return;
    const last = spec.lastKey < 0 ? argv.length + spec.lastKey : spec.lastKey;
    for (let i = spec.firstKey; i <= last && i < argv.length; i += spec.keyStep) this.addKey(argv[i]);
  }

  addKey(key: string): void {
    // Entries past keyCount are stale and simply overwritten.
    this.keys[this.keyCount] = key;
    this.keySlots[this.keyCount] = keyHashSlot(key);
    this.keyCount++;
  }
}
