// COMMAND and its subcommands: the command table described in Redis 7.0's reply shapes, generated
// from the CommandSpecs (nothing here is written per command).

import { ERR } from '../errors.js';
import type { Client } from '../server/client.js';
import { globMatch } from '../util/glob.js';
import { allCommands, lookupByName, lookupCommand } from './registry.js';
import { replyHelp } from './server.js';
import { keySpecsOf, keysWithFlags } from './keyspecs.js';
import { F, FLAG_NAMES, type ArgSpec, type CommandDef, type CommandSpec, type KeySpec } from './spec.js';

/** Flags COMMAND INFO shows, in Redis's order (may_replicate, sentinel... are hidden like Redis). */
const SHOWN_FLAGS = FLAG_NAMES.filter((n) => !['may_replicate', 'sentinel', 'only_sentinel', 'protected'].includes(n))
  .map((n) => [n, F[n.toUpperCase() as keyof typeof F]] as const);

/** ACL categories in Redis's table order, which is the order COMMAND INFO lists them in. */
export const ACL_CATEGORIES = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo',
  'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting',
];

const KEY_FLAG_ORDER = ['RO', 'RW', 'OW', 'RM', 'access', 'update', 'insert', 'delete', 'not_key', 'incomplete', 'variable_flags'];

function replyFlagSet(c: Client, present: readonly string[], order: readonly string[]): void {
  const shown = order.filter((f) => present.includes(f));
  c.reply.set(shown.length);
  for (const f of shown) c.reply.simple(f);
}

function replyKeySpec(c: Client, ks: KeySpec): void {
  c.reply.map(ks.notes !== undefined ? 4 : 3);
  if (ks.notes !== undefined) {
    c.reply.bulk('notes');
    c.reply.bulk(ks.notes);
  }
  c.reply.bulk('flags');
  replyFlagSet(c, ks.flags, KEY_FLAG_ORDER);
  c.reply.bulk('begin_search');
  c.reply.map(2);
  c.reply.bulk('type');
  if (ks.begin === 'unknown') {
    c.reply.bulk('unknown');
    c.reply.bulk('spec');
    c.reply.map(0);
  } else if ('index' in ks.begin) {
    c.reply.bulk('index');
    c.reply.bulk('spec');
    c.reply.map(1);
    c.reply.bulk('index');
    c.reply.int(ks.begin.index);
  } else {
    c.reply.bulk('keyword');
    c.reply.bulk('spec');
    c.reply.map(2);
    c.reply.bulk('keyword');
    c.reply.bulk(ks.begin.keyword);
    c.reply.bulk('startfrom');
    c.reply.int(ks.begin.startfrom);
  }
  c.reply.bulk('find_keys');
  c.reply.map(2);
  c.reply.bulk('type');
  if (ks.find === 'unknown') {
    c.reply.bulk('unknown');
    c.reply.bulk('spec');
    c.reply.map(0);
  } else if ('lastkey' in ks.find) {
    c.reply.bulk('range');
    c.reply.bulk('spec');
    c.reply.map(3);
    c.reply.bulk('lastkey');
    c.reply.int(ks.find.lastkey);
    c.reply.bulk('keystep');
    c.reply.int(ks.find.keystep);
    c.reply.bulk('limit');
    c.reply.int(ks.find.limit);
  } else {
    c.reply.bulk('keynum');
    c.reply.bulk('spec');
    c.reply.map(3);
    c.reply.bulk('keynumidx');
    c.reply.int(ks.find.keynumidx);
    c.reply.bulk('firstkey');
    c.reply.int(ks.find.firstkey);
    c.reply.bulk('keystep');
    c.reply.int(ks.find.keystep);
  }
}

/** One COMMAND INFO entry (null for an unknown name). */
function replyCommandInfo(c: Client, cmd: CommandSpec | null): void {
  if (cmd === null) {
    c.reply.nullBulk();
    return;
  }
  c.reply.array(10);
  c.reply.bulk(cmd.name);
  c.reply.int(cmd.arity);
  let n = 0;
  for (const [, bit] of SHOWN_FLAGS) if (cmd.flags & bit) n++;
  c.reply.set(n);
  for (const [name, bit] of SHOWN_FLAGS) if (cmd.flags & bit) c.reply.simple(name);
  c.reply.int(cmd.firstKey);
  c.reply.int(cmd.lastKey);
  c.reply.int(cmd.keyStep);
  const cats = ACL_CATEGORIES.filter((cat) => cmd.acl.includes(cat));
  c.reply.set(cats.length);
  for (const cat of cats) c.reply.simple(`@${cat}`);
  const tips = cmd.tips ?? [];
  c.reply.set(tips.length);
  for (const t of tips) c.reply.bulk(t);
  const specs = keySpecsOf(cmd);
  c.reply.set(specs.length);
  for (const ks of specs) replyKeySpec(c, ks);
  if (cmd.subcommands === undefined) {
    c.reply.set(0);
  } else {
    c.reply.array(cmd.subcommands.size);
    for (const sub of cmd.subcommands.values()) replyCommandInfo(c, sub);
  }
}

function replyArgs(c: Client, args: readonly ArgSpec[]): void {
  c.reply.array(args.length);
  for (const a of args) {
    const nested = a.type === 'oneof' || a.type === 'block';
    c.reply.map(2 + (a.keySpecIndex !== undefined ? 1 : 0) + (a.token !== undefined ? 1 : 0) + (a.summary !== undefined ? 1 : 0) +
      (a.since !== undefined ? 1 : 0) + (a.deprecatedSince !== undefined ? 1 : 0) + (a.flags?.length ? 1 : 0) + (nested ? 1 : 0));
    c.reply.bulk('name');
    c.reply.bulk(a.name);
    c.reply.bulk('type');
    c.reply.bulk(a.type);
    if (a.keySpecIndex !== undefined) {
      c.reply.bulk('key_spec_index');
      c.reply.int(a.keySpecIndex);
    }
    if (a.token !== undefined) {
      c.reply.bulk('token');
      c.reply.bulk(a.token);
    }
    if (a.summary !== undefined) {
      c.reply.bulk('summary');
      c.reply.bulk(a.summary);
    }
    if (a.since !== undefined) {
      c.reply.bulk('since');
      c.reply.bulk(a.since);
    }
    if (a.deprecatedSince !== undefined) {
      c.reply.bulk('deprecated_since');
      c.reply.bulk(a.deprecatedSince);
    }
    if (a.flags?.length) {
      c.reply.bulk('flags');
      replyFlagSet(c, a.flags, ['optional', 'multiple', 'multiple_token']);
    }
    if (nested) {
      c.reply.bulk('arguments');
      replyArgs(c, a.args ?? []);
    }
  }
}

/** One COMMAND DOCS entry: a map of the documentation fields that are present. */
function replyCommandDocs(c: Client, cmd: CommandSpec): void {
  const d = cmd.docs ?? {};
  c.reply.map(4 + (d.docFlags?.length ? 1 : 0) + (d.deprecatedSince !== undefined ? 1 : 0) + (d.replacedBy !== undefined ? 1 : 0) +
    (d.history !== undefined ? 1 : 0) + (d.args !== undefined ? 1 : 0) + (cmd.subcommands !== undefined ? 1 : 0));
  c.reply.bulk('summary');
  c.reply.bulk(cmd.summary);
  c.reply.bulk('since');
  c.reply.bulk(cmd.since);
  c.reply.bulk('group');
  c.reply.bulk(cmd.group);
  c.reply.bulk('complexity');
  c.reply.bulk(cmd.complexity);
  if (d.docFlags?.length) {
    c.reply.bulk('doc_flags');
    replyFlagSet(c, d.docFlags, ['deprecated', 'syscmd']);
  }
  if (d.deprecatedSince !== undefined) {
    c.reply.bulk('deprecated_since');
    c.reply.bulk(d.deprecatedSince);
  }
  if (d.replacedBy !== undefined) {
    c.reply.bulk('replaced_by');
    c.reply.bulk(d.replacedBy);
  }
  if (d.history !== undefined) {
    c.reply.bulk('history');
    c.reply.set(d.history.length);
    for (const [since, what] of d.history) {
      c.reply.array(2);
      c.reply.bulk(since);
      c.reply.bulk(what);
    }
  }
  if (d.args !== undefined) {
    c.reply.bulk('arguments');
    replyArgs(c, d.args);
  }
  if (cmd.subcommands !== undefined) {
    c.reply.bulk('subcommands');
    c.reply.map(cmd.subcommands.size);
    for (const sub of cmd.subcommands.values()) {
      c.reply.bulk(sub.name);
      replyCommandDocs(c, sub);
    }
  }
}

function topLevelCount(): number {
  let n = 0;
  for (const _ of allCommands()) n++;
  return n;
}

function replyAllInfo(c: Client): void {
  c.reply.array(topLevelCount());
  for (const cmd of allCommands()) replyCommandInfo(c, cmd);
}

/** Whether COMMAND GETKEYS can say anything: movable keys or a key spec that names real keys. */
function hasKeys(cmd: CommandSpec): boolean {
  return cmd.getKeys !== undefined || keySpecsOf(cmd).some((ks) => !ks.flags.includes('not_key'));
}

function getKeys(c: Client, argv: string[], withFlags: boolean): void {
  const call = argv.slice(2);
  const cmd = lookupCommand(call) ?? (call.length === 1 ? lookupByName(call[0]) : null);
  if (cmd === null) {
    c.reply.error(ERR.getkeysInvalidCommand);
    return;
  }
  if (!hasKeys(cmd)) {
    c.reply.error(ERR.getkeysNoKeys);
    return;
  }
  if ((cmd.arity > 0 && cmd.arity !== call.length) || call.length < -cmd.arity) {
    c.reply.error(ERR.getkeysArity);
    return;
  }
  const keys = keysWithFlags(cmd, call);
  if (keys.length === 0 && (cmd.flags & F.NO_MANDATORY_KEYS) === 0) {
    c.reply.error(ERR.getkeysArgs);
    return;
  }
  c.reply.array(keys.length);
  for (const [k, flags] of keys) {
    if (withFlags) {
      c.reply.array(2);
      c.reply.bulk(call[k]);
      replyFlagSet(c, flags, KEY_FLAG_ORDER);
    } else {
      c.reply.bulk(call[k]);
    }
  }
}

function commandList(c: Client, argv: string[]): void {
  let filter: ((cmd: CommandSpec) => boolean) | null = null;
  for (let i = 2; i < argv.length; i++) {
    if (argv[i].toLowerCase() === 'filterby' && argv.length - 1 - i === 2) {
      const type = argv[i + 1].toLowerCase();
      const arg = argv[i + 2];
      if (type === 'module') filter = () => false;
      else if (type === 'aclcat') {
        const cat = arg.toLowerCase();
        filter = (cmd) => cmd.acl.includes(cat);
      } else if (type === 'pattern') filter = (cmd) => globMatch(arg, cmd.name, true);
      else {
        c.reply.error(ERR.syntax);
        return;
      }
      i += 2;
    } else {
      c.reply.error(ERR.syntax);
      return;
    }
  }
  const names: string[] = [];
  for (const cmd of allCommands()) {
    if (filter === null || filter(cmd)) names.push(cmd.name);
    if (cmd.subcommands) for (const sub of cmd.subcommands.values()) if (filter === null || filter(sub)) names.push(sub.name);
  }
  c.reply.bulks(names);
}

const COMMAND_HELP = [
  '(no subcommand)',
  '    Reply with the details of every command.',
  'COUNT',
  '    Reply with the number of commands.',
  'LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]',
  '    Reply with the names of all commands, or of those matching the filter.',
  'INFO [<command-name> ...]',
  '    Reply with the details of the given commands (all commands when none is given).',
  'DOCS [<command-name> ...]',
  '    Reply with the documentation of the given commands (all commands when none is given).',
  'GETKEYS <full-command>',
  '    Reply with the keys a full command line would access.',
  'GETKEYSANDFLAGS <full-command>',
  '    Reply with the keys a full command line would access, and how each is accessed.',
];

const LIST_ARGS: ArgSpec[] = [
  {
    name: 'filterby', type: 'oneof', token: 'FILTERBY', flags: ['optional'], args: [
      { name: 'module-name', type: 'string', token: 'MODULE' },
      { name: 'category', type: 'string', token: 'ACLCAT' },
      { name: 'pattern', type: 'pattern', token: 'PATTERN' },
    ],
  },
];

const SUB = { group: 'server', flags: 'loading stale', acl: 'connection' } as const;

export const commands: CommandDef[] = [
  {
    name: 'command', arity: -1, flags: 'loading stale', acl: 'connection', group: 'server', since: '2.8.13',
    summary: 'Returns details of every command.', complexity: 'O(N) where N is the total number of Redis commands',
    tips: ['nondeterministic_output_order'],
    handler: replyAllInfo,
    subcommands: [
      {
        name: 'count', arity: 2, ...SUB, since: '2.8.13', summary: 'Returns how many commands there are.', complexity: 'O(1)',
        handler(c) {
          c.reply.int(topLevelCount());
        },
      },
      {
        name: 'info', arity: -2, ...SUB, since: '2.8.13', summary: 'Returns the details of some or all commands.',
        docs: {
          history: [['7.0.0', 'Describes every command when called without names.']],
          args: [{ name: 'command-name', type: 'string', flags: ['optional', 'multiple'] }],
        },
        complexity: 'O(N) where N is the number of commands to look up', tips: ['nondeterministic_output_order'],
        handler(c, argv) {
          if (argv.length === 2) {
            replyAllInfo(c);
            return;
          }
          c.reply.array(argv.length - 2);
          for (let i = 2; i < argv.length; i++) replyCommandInfo(c, lookupByName(argv[i]));
        },
      },
      {
        name: 'docs', arity: -2, ...SUB, since: '7.0.0', summary: 'Returns the documentation of some or all commands.',
        docs: { args: [{ name: 'command-name', type: 'string', flags: ['optional', 'multiple'] }] },
        complexity: 'O(N) where N is the number of commands to look up', tips: ['nondeterministic_output_order'],
        handler(c, argv) {
          const found: CommandSpec[] = [];
          if (argv.length === 2) {
            for (const cmd of allCommands()) found.push(cmd);
          } else {
            for (let i = 2; i < argv.length; i++) {
              const cmd = lookupByName(argv[i]);
              if (cmd !== null) found.push(cmd);
            }
          }
          c.reply.map(found.length);
          for (const cmd of found) {
            c.reply.bulk(cmd.name);
            replyCommandDocs(c, cmd);
          }
        },
      },
      {
        name: 'list', arity: -2, ...SUB, since: '7.0.0', summary: 'Returns the names of all commands, optionally filtered.',
        docs: { args: LIST_ARGS },
        complexity: 'O(N) where N is the total number of Redis commands', tips: ['nondeterministic_output_order'],
        handler: commandList,
      },
      {
        name: 'getkeys', arity: -4, ...SUB, since: '2.8.13', summary: 'Returns the keys a full command line accesses.',
        complexity: 'O(N) where N is the number of arguments to the command',
        handler(c, argv) {
          getKeys(c, argv, false);
        },
      },
      {
        name: 'getkeysandflags', arity: -4, ...SUB, since: '7.0.0',
        summary: 'Returns the keys a full command line accesses, with how each is accessed.',
        complexity: 'O(N) where N is the number of arguments to the command',
        handler(c, argv) {
          getKeys(c, argv, true);
        },
      },
      {
        name: 'help', arity: 2, ...SUB, since: '5.0.0', summary: 'Describes the COMMAND subcommands.', complexity: 'O(1)',
        handler(c) {
          replyHelp(c, 'COMMAND', COMMAND_HELP);
        },
      },
    ],
  },
];
