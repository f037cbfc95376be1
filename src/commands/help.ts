// HELP subcommand replies: an array of status lines, Redis's shape, in our own words.

import type { Client } from '../server/client.js';

/** Reply to `<CMD> HELP` with a heading line, the subcommand lines, and the HELP line itself. */
export function replyHelp(c: Client, command: string, lines: readonly string[]): void {
  const all = [`${command} <subcommand> [arguments]: the subcommands are listed below.`, ...lines, 'HELP', '    Show this list.'];
  c.reply.array(all.length);
  for (const l of all) c.reply.simple(l);
}
