// What a command is: data. The dispatcher applies every policy from these fields; handlers only
// do the command's own work.

import type { Client } from '../server/client.js';
import type { LatencyHistogram } from '../server/latency.js';
import { COMMAND_ARGS } from './args.js';

export type Handler = (c: Client, argv: string[]) => void;

// Command flags, as Redis names them in COMMAND INFO. Bit values are ours.
export const FLAG_NAMES = [
  'write', 'readonly', 'denyoom', 'module', 'admin', 'pubsub', 'noscript', 'blocking', 'loading',
  'stale', 'skip_monitor', 'skip_slowlog', 'asking', 'fast', 'no_auth', 'may_replicate', 'sentinel',
  'only_sentinel', 'no_mandatory_keys', 'protected', 'no_async_loading', 'no_multi', 'movablekeys',
  'allow_busy',
] as const;
export type FlagName = (typeof FLAG_NAMES)[number];

export const F = Object.fromEntries(FLAG_NAMES.map((n, i) => [n.toUpperCase(), 2 ** i])) as {
  readonly [K in FlagName as Uppercase<K>]: number;
};

/**
 * A Redis 7 key specification (COMMAND INFO): where the search for keys begins and how keys are
 * found from there. Commands whose keys a single first/last/step range describes need none: it is
 * derived from `keys` and `keySpecFlags`.
 */
export interface KeySpec {
  notes?: string;
  /** RO RW OW RM access update insert delete not_key incomplete variable_flags (any case) */
  flags: string[];
  begin: { index: number } | { keyword: string; startfrom: number } | 'unknown';
  find: { lastkey: number; keystep: number; limit: number } | { keynumidx: number; firstkey: number; keystep: number } | 'unknown';
}

/** One argument in COMMAND DOCS. */
export interface ArgSpec {
  name: string;
  type: 'string' | 'integer' | 'double' | 'key' | 'pattern' | 'unix-time' | 'pure-token' | 'oneof' | 'block';
  keySpecIndex?: number;
  token?: string;
  summary?: string;
  since?: string;
  deprecatedSince?: string;
  flags?: ('optional' | 'multiple' | 'multiple_token')[];
  args?: ArgSpec[];
}

/** Optional documentation COMMAND DOCS shows when present. */
export interface CommandDocsExtra {
  args?: ArgSpec[];
  /** [version, what changed] */
  history?: [string, string][];
  docFlags?: ('deprecated' | 'syscmd')[];
  deprecatedSince?: string;
  replacedBy?: string;
}

export interface CommandSpec {
  /** Lowercase name; subcommands are `parent|sub`. */
  name: string;
  /** Redis arity: N exact, -N at least N (argv[0] counts). */
  arity: number;
  flags: number;
  /** ACL categories without '@'. The implicit ones (read/write/fast/slow/admin...) are derived. */
  acl: string[];
  /** first, last, step key positions (last < 0 counts from the end); 0,0,0 for no keys. */
  firstKey: number;
  lastKey: number;
  keyStep: number;
  /** Key-spec flags per key range, for COMMAND INFO/DOCS; defaults from the command flags. */
  keySpecFlags?: string[];
  /** Explicit key specs (movable keys, several ranges); otherwise derived from the key range. */
  keySpecs?: KeySpec[];
  /** Movable keys: the argv indexes that are keys. */
  getKeys?: (argv: string[]) => number[];
  /** For a key spec marked variable_flags: the flags a given call's keys really have (COMMAND GETKEYSANDFLAGS). */
  variableKeyFlags?: (argv: string[]) => string[];
  /**
   * For commands whose flags depend on the call (EVAL/FCALL take them from the script's flags, as
   * Redis's getCommandFlags does): this call's flags, from the command's own. See commandFlags.
   */
  flagsFor?: (argv: string[], own: number) => number;
  handler: Handler;
  subcommands?: Map<string, CommandSpec>;
  parent?: CommandSpec;
  // docs
  group: string;
  since: string;
  summary: string;
  complexity: string;
  tips?: string[];
  docs?: CommandDocsExtra;
  // run-time statistics (INFO commandstats)
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
  /** Latency histogram (INFO latencystats, LATENCY HISTOGRAM); created on the first call. */
  histogram: LatencyHistogram | null;
}

export interface CommandDef {
  name: string;
  arity: number;
  /** Space-separated Redis flag names. */
  flags: string;
  /** Space-separated ACL categories (without '@'), besides those implied by flags. */
  acl?: string;
  keys?: [number, number, number];
  keySpecFlags?: string[];
  keySpecs?: KeySpec[];
  getKeys?: (argv: string[]) => number[];
  variableKeyFlags?: (argv: string[]) => string[];
  flagsFor?: (argv: string[], own: number) => number;
  handler: Handler;
  subcommands?: CommandDef[];
  group: string;
  since: string;
  summary: string;
  complexity: string;
  tips?: string[];
  docs?: CommandDocsExtra;
}

function parseFlags(names: string, where: string): number {
  let bits = 0;
  for (const n of names.split(/\s+/)) {
    if (n === '') continue;
    const i = FLAG_NAMES.indexOf(n as FlagName);
    if (i < 0) throw new Error(`${where}: unknown flag '${n}'`);
    bits |= 2 ** i;
  }
  return bits;
}

/** The flags a call is checked with (the pipeline's guards, cluster routing, EXEC's flags). */
export function commandFlags(cmd: CommandSpec, argv: string[]): number {
  return cmd.flagsFor === undefined ? cmd.flags : cmd.flagsFor(argv, cmd.flags);
}

/** Build a CommandSpec from its definition; the registry calls this once per command. */
export function defineCommand(def: CommandDef, parent?: CommandSpec): CommandSpec {
  const name = parent ? `${parent.name}|${def.name.toLowerCase()}` : def.name.toLowerCase();
  let flags = parseFlags(def.flags, name);
  if (def.getKeys) flags |= F.MOVABLEKEYS;
  const [firstKey, lastKey, keyStep] = def.keys ?? [0, 0, 0];
  const args = def.docs?.args ?? (Object.hasOwn(COMMAND_ARGS, name) ? COMMAND_ARGS[name] : undefined);
  const spec: CommandSpec = {
    name,
    arity: def.arity,
    flags,
    acl: impliedCategories(flags, (def.acl ?? '').split(/\s+/).filter((x) => x !== '')),
    firstKey,
    lastKey,
    keyStep,
    keySpecFlags: def.keySpecFlags,
    keySpecs: def.keySpecs,
    getKeys: def.getKeys,
    variableKeyFlags: def.variableKeyFlags,
    flagsFor: def.flagsFor,
    handler: def.handler,
    parent,
    group: def.group,
    since: def.since,
    summary: def.summary,
    complexity: def.complexity,
    tips: def.tips,
    docs: args === def.docs?.args ? def.docs : { ...def.docs, args },
    calls: 0,
    usec: 0,
    rejectedCalls: 0,
    failedCalls: 0,
    histogram: null,
  };
  if (def.subcommands) {
    spec.subcommands = new Map();
    for (const sub of def.subcommands) spec.subcommands.set(sub.name.toLowerCase(), defineCommand(sub, spec));
  }
  return spec;
}

/** Redis adds @write/@read/@admin/@dangerous/@fast/@slow/@pubsub/@blocking from command flags. */
function impliedCategories(flags: number, explicit: string[]): string[] {
  const out = [...explicit];
  const add = (c: string): void => {
    if (!out.includes(c)) out.push(c);
  };
  if (flags & F.WRITE) add('write');
  if (flags & F.READONLY && !explicit.includes('scripting')) add('read');
  if (flags & F.ADMIN) {
    add('admin');
    add('dangerous');
  }
  if (flags & F.PUBSUB) add('pubsub');
  if (flags & F.FAST) add('fast');
  if (flags & F.BLOCKING) add('blocking');
  if (!(flags & F.FAST)) add('slow');
  return out;
}

/** Key positions of a concrete call, from the spec's first/last/step or its getKeys. */
export function commandKeys(spec: CommandSpec, argv: string[]): number[] {
  if (spec.getKeys) return spec.getKeys(argv);
  if (spec.firstKey === 0) return [];
  const last = spec.lastKey < 0 ? argv.length + spec.lastKey : spec.lastKey;
  const out: number[] = [];
  for (let i = spec.firstKey; i <= last && i < argv.length; i += spec.keyStep) out.push(i);
  return out;
}

/** Handler of containers that do nothing by themselves (CONFIG, CLIENT ...): argc 1 is an arity error. */
export function noContainerHandler(): void {}
