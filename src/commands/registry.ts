// The command table: every group file's definitions, indexed by lowercase name.

import { defineCommand, noContainerHandler, type CommandDef, type CommandSpec } from './spec.js';
import { commands as bitmap } from './bitmap.js';
import { commands as connection } from './connection.js';
import { commands as introspection } from './introspection.js';
import { commands as keys } from './keys.js';
import { commands as serverCommands } from './server.js';
import { commands as string } from './string.js';
import { commands as list } from './list.js';
import { commands as hash } from './hash.js';
import { commands as set } from './set.js';
import { commands as zset } from './zset.js';
import { commands as tx } from './tx.js';
import { commands as pubsub } from './pubsub.js';
import { commands as hyperloglog } from './hyperloglog.js';
import { commands as geo } from './geo.js';
import { commands as sort } from './sort.js';
import { commands as acl } from './acl.js';
import { commands as dump } from './dump.js';
import { commands as persistence } from './persistence.js';
import { commands as replication } from './replication.js';
import { commands as scripting } from './scripting.js';
import { commands as functions } from './functions.js';
import { commands as stream } from './stream.js';
import { commands as clusterCommands } from './cluster.js';
import { commands as migrate } from './migrate.js';
import { commands as failover } from './failover.js';

const GROUPS: CommandDef[][] = [
  connection, serverCommands, keys, string, bitmap, introspection, list, hash, set, zset, tx, pubsub, hyperloglog, geo, sort,
  acl, dump, persistence, replication, scripting, functions, stream, clusterCommands, migrate, failover,
];

const table = new Map<string, CommandSpec>();
/** Raw argv[0] spellings seen ("GET", "get", "Get") -> spec, so lookups skip toLowerCase. */
const spellings = new Map<string, CommandSpec>();
const MAX_SPELLINGS = 4096;

export function registerCommands(defs: readonly CommandDef[]): void {
  for (const def of defs) {
    const spec = defineCommand(def);
    if (table.has(spec.name)) throw new Error(`command ${spec.name} defined twice`);
    table.set(spec.name, spec);
  }
}

for (const g of GROUPS) registerCommands(g);

function base(name: string): CommandSpec | undefined {
  let cmd = spellings.get(name);
  if (cmd === undefined) {
    cmd = table.get(name.toLowerCase());
    if (cmd !== undefined && spellings.size < MAX_SPELLINGS) spellings.set(name, cmd);
  }
  return cmd;
}

/**
 * The spec that runs argv: a plain command, or the subcommand of a container. Null for unknown
 * names, unknown subcommands, and containers called without a subcommand (see lookupContainer).
 */
export function lookupCommand(argv: string[]): CommandSpec | null {
  const cmd = base(argv[0]);
  if (cmd === undefined) return null;
  if (cmd.subcommands === undefined) return cmd;
  if (argv.length < 2) return cmd.handler !== noContainerHandler ? cmd : null;
  return cmd.subcommands.get(argv[1].toLowerCase()) ?? null;
}

/** The container command named `name` (CONFIG, CLIENT ...), or null. */
export function lookupContainer(name: string): CommandSpec | null {
  const cmd = base(name);
  return cmd !== undefined && cmd.subcommands !== undefined ? cmd : null;
}

/**
 * The conf file's `rename-command old new`: the command answers to `new` only (to nothing when
 * `new` is empty). It keeps its own name everywhere else (COMMAND INFO, statistics), as in Redis.
 * Returns Redis's error text, or null.
 */
export function renameCommand(from: string, to: string): string | null {
  const key = from.toLowerCase();
  const cmd = table.get(key);
  if (cmd === undefined) return 'No such command in rename-command';
  table.delete(key);
  spellings.clear();
  if (to === '') return null;
  if (table.has(to.toLowerCase())) return 'Target command name already exists';
  table.set(to.toLowerCase(), cmd);
  return null;
}

/** Lookup by full name, "get" or "config|get". */
export function lookupByName(fullname: string): CommandSpec | null {
  const parts = fullname.toLowerCase().split('|');
  // Commands nest one level: "config|get|key" names nothing.
  if (parts.length > 2) return null;
  const [parent, sub] = parts;
  const cmd = table.get(parent);
  if (!cmd) return null;
  if (sub === undefined) return cmd;
  return cmd.subcommands?.get(sub) ?? null;
}

export function allCommands(): IterableIterator<CommandSpec> {
  return table.values();
}
