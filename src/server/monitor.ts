// MONITOR: every executed command, as Redis prints it, to each monitoring client.

import { repr } from '../util/repr.js';
import type { Client } from './client.js';
import { server } from './state.js';

export function feedMonitors(c: Client, argv: string[]): void {
  const now = Date.now();
  const secs = Math.floor(now / 1000);
  const micros = String((now % 1000) * 1000).padStart(6, '0');
  const origin = c.socket === null ? 'lua' : c.addr;
  let line = `${secs}.${micros} [${c.db.id} ${origin}]`;
  for (let i = 0; i < argv.length; i++) line += ' ' + repr(argv[i]);
  for (const m of server.monitors) {
    if (m === c) continue;
    m.reply.simple(line);
    m.scheduleFlush();
  }
}
