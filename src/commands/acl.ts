// The ACL container: users, permissions, the ACL log and the aclfile.

import { randomBytes } from 'node:crypto';
import { aclLog, checkCommand, DENIED_CMD, DENIED_KEY } from '../acl/check.js';
import { describeChannels, describeCommands, describeKeys, hasSpaces, userFlags } from '../acl/rules.js';
import { CATEGORIES, commandIndex, type Selector } from '../acl/user.js';
import { deleteUser, getUser, loadAclFile, saveAclFile, setUser, userLines, users } from '../acl/users.js';
import { ERR } from '../errors.js';
import { parseInt64 } from '../protocol/format.js';
import type { Client } from '../server/client.js';
import { server } from '../server/state.js';
import { replyHelp } from './help.js';
import { lookupCommand } from './registry.js';
import { noContainerHandler, type CommandDef, type Handler } from './spec.js';

const STD = 'noscript loading stale sentinel';
const ADMIN = 'admin noscript loading stale sentinel';

const HELP = [
  'CAT [<category>]',
  '    Without a category, the category names; with one, the commands in it.',
  'DELUSER <username> [<username> ...]',
  '    Remove users, disconnecting their clients.',
  'DRYRUN <username> <command> [<arg> ...]',
  '    Tell whether the user could run the command, without running it.',
  'GETUSER <username>',
  '    The rules of a user, field by field.',
  'GENPASS [<bits>]',
  '    A random password of 256 bits, or of the given number of bits, in hex.',
  'LIST',
  '    Every user as a configuration line.',
  'LOAD',
  '    Replace the users with those of the ACL file.',
  'LOG [<count> | RESET]',
  '    The latest refused commands and authentications, or clear them.',
  'SAVE',
  '    Write the users to the ACL file.',
  'SETUSER <username> <attribute> [<attribute> ...]',
  '    Create a user or change its rules.',
  'USERS',
  '    The user names.',
  'WHOAMI',
  '    The user of this connection.',
];


function replySelector(c: Client, s: Selector): void {
  c.reply.bulk('commands');
  c.reply.bulk(describeCommands(s));
  c.reply.bulk('keys');
  c.reply.bulk(describeKeys(s));
  c.reply.bulk('channels');
  c.reply.bulk(describeChannels(s));
}

function setuser(c: Client, argv: string[]): void {
  for (let i = 2; i < argv.length; i++) c.redactArg(argv, i);
  const name = argv[2];
  if (hasSpaces(name)) {
    c.reply.error(ERR.aclUsernameChars);
    return;
  }
  const err = setUser(name, argv.slice(3));
  if (err !== null) c.reply.error(err);
  else c.reply.ok();
}

function deluser(c: Client, argv: string[]): void {
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === 'default') {
      c.reply.error(ERR.aclDeleteDefault);
      return;
    }
  }
  let n = 0;
  for (let i = 2; i < argv.length; i++) if (deleteUser(argv[i], c)) n++;
  c.reply.int(n);
}

function getuser(c: Client, argv: string[]): void {
  const u = getUser(argv[2]);
  if (u === undefined) {
    c.reply.nullBulk();
    return;
  }
  c.reply.map(6);
  c.reply.bulk('flags');
  const flags = userFlags(u);
  c.reply.set(flags.length);
  for (const f of flags) c.reply.bulk(f);
  c.reply.bulk('passwords');
  c.reply.bulks(u.passwords);
  replySelector(c, u.root);
  c.reply.bulk('selectors');
  c.reply.array(u.selectors.length - 1);
  for (let i = 1; i < u.selectors.length; i++) {
    c.reply.map(3);
    replySelector(c, u.selectors[i]);
  }
}

function list(c: Client, names: boolean): void {
  c.reply.bulks(names ? [...users().keys()].sort() : userLines());
}

function cat(c: Client, argv: string[]): void {
  if (argv.length > 3) {
    c.reply.error(ERR.subcommandSyntax(argv[1], 'ACL'));
    return;
  }
  if (argv.length === 2) {
    c.reply.bulks(CATEGORIES as readonly string[] as string[]);
    return;
  }
  const category = argv[2].toLowerCase();
  if (!(CATEGORIES as readonly string[]).includes(category)) {
    c.reply.error(ERR.aclUnknownCategory(argv[2].slice(0, 128)));
    return;
  }
  const out: string[] = [];
  for (const cmd of commandIndex().list) if (cmd.acl.includes(category)) out.push(cmd.name);
  c.reply.bulks(out);
}

function genpass(c: Client, argv: string[]): void {
  if (argv.length > 3) {
    c.reply.error(ERR.subcommandSyntax(argv[1], 'ACL'));
    return;
  }
  let bits = 256;
  if (argv.length === 3) {
    const v = parseInt64(argv[2]);
    if (v === null) {
      c.reply.error(ERR.notInteger);
      return;
    }
    // Beyond 2^53 the value is out of the allowed range anyway.
    bits = typeof v === 'bigint' ? (v < 0n ? -1 : Infinity) : v;
  }
  if (bits <= 0 || bits > 4096) {
    c.reply.error(ERR.aclGenpassBits);
    return;
  }
  const chars = Math.floor((bits + 3) / 4);
  c.reply.bulk(randomBytes(Math.ceil(chars / 2)).toString('hex').slice(0, chars));
}

const REASONS = ['', 'command', 'key', 'channel', 'auth'];

function log(c: Client, argv: string[]): void {
  if (argv.length > 3) {
    c.reply.error(ERR.subcommandSyntax(argv[1], 'ACL'));
    return;
  }
  let count = 10;
  if (argv.length === 3) {
    if (argv[2].toLowerCase() === 'reset') {
      aclLog.length = 0;
      c.reply.ok();
      return;
    }
    const v = parseInt64(argv[2]);
    if (v === null) {
      c.reply.error(ERR.notInteger);
      return;
    }
    count = v < 0 ? 0 : Number(v);
  }
  if (count > aclLog.length) count = aclLog.length;
  const now = Date.now();
  c.reply.array(count);
  for (let i = 0; i < count; i++) {
    const e = aclLog[i];
    c.reply.map(7);
    c.reply.bulk('count');
    c.reply.int(e.count);
    c.reply.bulk('reason');
    c.reply.bulk(REASONS[e.reason]);
    c.reply.bulk('context');
    c.reply.bulk(e.context);
    c.reply.bulk('object');
    c.reply.bulk(e.object);
    c.reply.bulk('username');
    c.reply.bulk(e.username);
    c.reply.bulk('age-seconds');
    c.reply.double((now - e.time) / 1000);
    c.reply.bulk('client-info');
    c.reply.bulk(e.clientInfo);
  }
}

function dryrun(c: Client, argv: string[]): void {
  const u = getUser(argv[2]);
  if (u === undefined) {
    c.reply.error(ERR.aclUserNotFound(argv[2]));
    return;
  }
  const args = argv.slice(3);
  const cmd = lookupCommand(args);
  if (cmd === null) {
    c.reply.error(ERR.aclCommandNotFound(argv[3]));
    return;
  }
  if ((cmd.arity > 0 && cmd.arity !== args.length) || args.length < -cmd.arity) {
    c.reply.error(ERR.wrongArity(cmd.name));
    return;
  }
  const d = checkCommand(u, cmd, args);
  if (d === null) c.reply.ok();
  else if (d.reason === DENIED_CMD) c.reply.bulk(`This user has no permissions to run the '${cmd.name}' command`);
  else if (d.reason === DENIED_KEY) c.reply.bulk(`This user has no permissions to access the '${args[d.pos]}' key`);
  else c.reply.bulk(`This user has no permissions to access the '${args[d.pos]}' channel`);
}

function aclfile(c: Client): string | null {
  const f = server.config.get('aclfile');
  if (f === '') c.reply.error(ERR.aclNoFile);
  return f === '' ? null : f;
}

function sub(name: string, arity: number, flags: string, since: string, summary: string, handler: Handler, complexity = 'O(1)'): CommandDef {
  return { name, arity, flags, group: 'server', since, summary, complexity, handler };
}

export const commands: CommandDef[] = [
  {
    name: 'acl', arity: -2, flags: 'sentinel',
    group: 'server', since: '6.0.0', summary: 'Container of the access control commands.',
    complexity: 'Depends on subcommand.',
    handler: noContainerHandler,
    subcommands: [
      sub('cat', -2, STD, '6.0.0', 'Lists the ACL categories, or the commands in one.', cat),
      sub('deluser', -3, ADMIN, '6.0.0', 'Deletes users and disconnects their clients.', deluser),
      sub('dryrun', -4, ADMIN, '7.0.0', 'Tells whether a user may run a command, without running it.', dryrun),
      sub('genpass', -2, STD, '6.0.0', 'Returns a random password.', genpass),
      {
        ...sub('getuser', 3, ADMIN, '6.0.0', 'Returns the rules of a user.', getuser, 'O(N)'),
        docs: { history: [['6.2.0', 'Channel patterns.'], ['7.0.0', 'Selectors; key and channel patterns shown as rules.']] },
      },
      sub('help', 2, 'loading stale sentinel', '6.0.0', 'Explains the ACL subcommands.', (c) => replyHelp(c, 'ACL', HELP)),
      sub('list', 2, ADMIN, '6.0.0', 'Returns every user as a configuration line.', (c) => list(c, false), 'O(N)'),
      sub('load', 2, ADMIN, '6.0.0', 'Replaces the users with those of the ACL file.', (c) => {
        const f = aclfile(c);
        if (f === null) return;
        const err = loadAclFile(f, c);
        if (err === null) c.reply.ok();
        else c.reply.error(ERR.aclLoadFailed(err));
      }, 'O(N)'),
      sub('log', -2, ADMIN, '6.0.0', 'Returns or clears the log of refused commands and logins.', log, 'O(N)'),
      sub('save', 2, ADMIN, '6.0.0', 'Writes the users to the ACL file.', (c) => {
        const f = aclfile(c);
        if (f === null) return;
        if (saveAclFile(f)) c.reply.ok();
        else c.reply.error(ERR.aclSaveFailed);
      }, 'O(N)'),
      {
        ...sub('setuser', -3, ADMIN, '6.0.0', 'Creates a user or changes its rules.', setuser, 'O(N)'),
        docs: { history: [['6.2.0', 'Channel patterns.'], ['7.0.0', 'Selectors and read/write key permissions.']] },
      },
      sub('users', 2, ADMIN, '6.0.0', 'Returns the user names.', (c) => list(c, true), 'O(N)'),
      sub('whoami', 2, STD, '6.0.0', 'Returns the user of this connection.', (c) => c.reply.bulk(c.user)),
    ],
  },
];
