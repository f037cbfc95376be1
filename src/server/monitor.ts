// MONITOR: every executed command, as Redis prints it, to each monitoring client (including the
// one that ran it). Passwords arrive already redacted (Client.shownArgv).

import { repr } from '../util/repr.js';
import type { Client } from './client.js';
import { server } from './state.js';

export function feedMonitors(c: Client, argv: string[]): void {
  // Microseconds, like Redis's gettimeofday() stamp.
  const t = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  const secs = Math.floor(t / 1e6);
  const micros = String(t % 1e6).padStart(6, '0');
  const origin = c.socket === null ? 'lua' : c.addr;
  let line = `${secs}.${micros} [${c.db.id} ${origin}]`;
  for (let i = 0; i < argv.length; i++) line += ' ' + repr(argv[i]);
  for (const m of server.monitors) {
    m.reply.simple(line);
    if (m !== c) m.scheduleFlush();
  }
}
