// SLOWLOG entries: commands slower than slowlog-log-slower-than microseconds.

import { F, type CommandSpec } from '../commands/spec.js';
import type { Client } from './client.js';
import { server } from './state.js';

export interface SlowlogEntry {
  id: number;
  time: number;
  usec: number;
  argv: string[];
  addr: string;
  name: string;
}

/** Redis keeps at most 32 arguments and 128 bytes of each. */
const MAX_ARGC = 32;
const MAX_ARG_LEN = 128;

export const slowlog = {
  entries: [] as SlowlogEntry[],
  nextId: 0,
  threshold: 10000,
  maxLen: 128,
};

export function initSlowlog(): void {
  server.config.watch('slowlog-log-slower-than', (v) => {
    slowlog.threshold = Number(v);
  });
  server.config.watch('slowlog-max-len', (v) => {
    slowlog.maxLen = Number(v);
    if (slowlog.entries.length > slowlog.maxLen) slowlog.entries.length = slowlog.maxLen;
  });
}

export function slowlogPush(c: Client, cmd: CommandSpec, argv: string[], usec: number): void {
  if (slowlog.threshold < 0 || usec < slowlog.threshold || cmd.flags & F.SKIP_SLOWLOG) return;
  const n = Math.min(argv.length, MAX_ARGC);
  const args: string[] = [];
  for (let i = 0; i < n; i++) {
    if (n < argv.length && i === n - 1) {
      args.push(`... (${argv.length - n + 1} more arguments)`);
      break;
    }
    const a = argv[i];
    args.push(a.length > MAX_ARG_LEN ? `${a.slice(0, MAX_ARG_LEN)}... (${a.length - MAX_ARG_LEN} more bytes)` : a);
  }
  slowlog.entries.unshift({
    id: slowlog.nextId++,
    time: Math.floor(Date.now() / 1000),
    usec: Math.floor(usec),
    argv: args,
    addr: c.addr,
    name: c.name,
  });
  if (slowlog.entries.length > slowlog.maxLen) slowlog.entries.length = slowlog.maxLen;
}
