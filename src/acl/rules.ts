// ACL rule strings: applying them to a user (ACL SETUSER, aclfile, `user` directives) and
// describing a user back as rules (ACL LIST, GETUSER, ACL SAVE), as Redis 7.0 does.

import { lookupByName } from '../commands/registry.js';
import {
  CATEGORIES, commandIndex, hashPassword, PERM_R, PERM_RW, PERM_W, Selector, selectorDefaults, User,
  type KeyPattern,
} from './user.js';

// Reasons a rule is refused, worded as Redis words them.
export const RULE_ERR = {
  syntax: 'Syntax error',
  unknown: 'Unknown command or category name in ACL',
  keysAfterAll:
    "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
  channelsAfterAll:
    "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
  noSuchPassword: 'The password you are trying to remove from the user does not exist',
  badHash: 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters',
  subcommandFirstArg: 'Allowing first-arg of a subcommand is not supported',
} as const;

/** Redis refuses whitespace (isspace) and NUL in usernames and patterns. */
export function hasSpaces(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 0 || ch === 32 || (ch >= 9 && ch <= 13)) return true;
  }
  return false;
}

function validHash(h: string): boolean {
  return /^[0-9a-f]{64}$/.test(h);
}

/** Apply one selector rule; returns an error text or null. */
export function applySelectorRule(s: Selector, op: string): string | null {
  const low = op.toLowerCase();
  if (low === 'allkeys' || op === '~*') {
    s.allKeys = true;
    s.keys = [];
  } else if (low === 'resetkeys') {
    s.allKeys = false;
    s.keys = [];
  } else if (low === 'allchannels' || op === '&*') {
    s.allChannels = true;
    s.channels = [];
  } else if (low === 'resetchannels') {
    s.allChannels = false;
    s.channels = [];
  } else if (low === 'allcommands' || low === '+@all') {
    s.setAll(true);
  } else if (low === 'nocommands' || low === '-@all') {
    s.setAll(false);
  } else if (op[0] === '~' || op[0] === '%') {
    if (s.allKeys) return RULE_ERR.keysAfterAll;
    let perm = 0;
    let off = 1;
    if (op[0] === '%') {
      for (; off < op.length; off++) {
        const ch = op[off].toUpperCase();
        if (ch === 'R' && !(perm & PERM_R)) perm |= PERM_R;
        else if (ch === 'W' && !(perm & PERM_W)) perm |= PERM_W;
        else if (ch === '~') {
          off++;
          break;
        } else return RULE_ERR.syntax;
      }
    } else {
      perm = PERM_RW;
    }
    const pattern = op.slice(off);
    if (hasSpaces(pattern)) return RULE_ERR.syntax;
    const same = s.keys.find((k) => k.pattern === pattern);
    if (same) same.perm |= perm;
    else s.keys.push({ pattern, perm });
    s.allKeys = false;
  } else if (op[0] === '&') {
    if (s.allChannels) return RULE_ERR.channelsAfterAll;
    const pattern = op.slice(1);
    if (hasSpaces(pattern)) return RULE_ERR.syntax;
    if (!s.channels.includes(pattern)) s.channels.push(pattern);
    s.allChannels = false;
  } else if (op[0] === '+' && op[1] !== '@') {
    const bar = op.lastIndexOf('|');
    if (bar < 0) {
      const cmd = lookupByName(op.slice(1));
      if (cmd === null || op.includes('|')) return RULE_ERR.unknown;
      s.changePerm(cmd, true);
    } else {
      const parent = lookupByName(op.slice(1, bar));
      if (parent === null) return RULE_ERR.unknown;
      if (parent.parent !== undefined) return RULE_ERR.subcommandFirstArg;
      const sub = op.slice(bar + 1);
      if (sub === '') return RULE_ERR.syntax;
      if (parent.subcommands) {
        const cmd = parent.subcommands.get(sub.toLowerCase());
        if (cmd === undefined) return RULE_ERR.unknown;
        s.changePerm(cmd, true);
      } else {
        // Allowing one first argument of a plain command (+select|0): Redis keeps it, deprecated.
        const id = commandIndex().ids.get(parent)!;
        s.firstArgs ??= new Map();
        const list = s.firstArgs.get(id) ?? [];
        if (!list.some((a) => a.toLowerCase() === sub.toLowerCase())) list.push(sub);
        s.firstArgs.set(id, list);
      }
    }
  } else if (op[0] === '-' && op[1] !== '@') {
    const cmd = lookupByName(op.slice(1));
    if (cmd === null) return RULE_ERR.unknown;
    s.changePerm(cmd, false);
  } else if ((op[0] === '+' || op[0] === '-') && op[1] === '@') {
    const cat = op.slice(2).toLowerCase();
    if (!(CATEGORIES as readonly string[]).includes(cat)) return RULE_ERR.unknown;
    s.setCategory(cat, op[0] === '+');
  } else {
    return RULE_ERR.syntax;
  }
  return null;
}

/** Apply one user rule (flags, passwords, selectors, or a root-selector rule); error text or null. */
export function applyUserRule(u: User, op: string): string | null {
  const err = applyUserRuleInner(u, op);
  u.refresh();
  return err;
}

function applyUserRuleInner(u: User, op: string): string | null {
  if (op === '') return null;
  const low = op.toLowerCase();
  switch (low) {
    case 'on':
      u.enabled = true;
      return null;
    case 'off':
      u.enabled = false;
      return null;
    case 'skip-sanitize-payload':
      u.skipSanitizePayload = true;
      u.sanitizePayload = false;
      return null;
    case 'sanitize-payload':
      u.skipSanitizePayload = false;
      u.sanitizePayload = true;
      return null;
    case 'nopass':
      u.nopass = true;
      u.passwords = [];
      return null;
    case 'resetpass':
      u.nopass = false;
      u.passwords = [];
      return null;
    case 'clearselectors':
      u.selectors.length = 1;
      return null;
    case 'reset':
      u.nopass = false;
      u.passwords = [];
      applySelectorRule(u.root, 'resetkeys');
      applySelectorRule(u.root, selectorDefaults.allChannels ? 'allchannels' : 'resetchannels');
      u.enabled = false;
      u.skipSanitizePayload = false;
      u.sanitizePayload = true;
      u.selectors.length = 1;
      u.root.setAll(false);
      return null;
  }
  if (op[0] === '>' || op[0] === '#') {
    let h: string;
    if (op[0] === '>') h = hashPassword(op.slice(1));
    else {
      h = op.slice(1);
      if (!validHash(h)) return RULE_ERR.badHash;
    }
    if (!u.passwords.includes(h)) u.passwords.push(h);
    u.nopass = false;
    return null;
  }
  if (op[0] === '<' || op[0] === '!') {
    let h: string;
    if (op[0] === '<') h = hashPassword(op.slice(1));
    else {
      h = op.slice(1);
      if (!validHash(h)) return RULE_ERR.badHash;
    }
    const i = u.passwords.indexOf(h);
    if (i < 0) return RULE_ERR.noSuchPassword;
    u.passwords.splice(i, 1);
    return null;
  }
  if (op[0] === '(' && op[op.length - 1] === ')') {
    const s = new Selector();
    for (const part of splitSelector(op.slice(1, -1))) {
      const err = applySelectorRule(s, part);
      if (err !== null) return err;
    }
    u.selectors.push(s);
    return null;
  }
  return applySelectorRule(u.root, op);
}

/** The rules inside a selector's parentheses, separated by spaces. */
function splitSelector(body: string): string[] {
  return body.split(/[ \t\n\r]+/).filter((x) => x !== '');
}

/**
 * Join a selector written across several arguments ("(~x*", "+get)") into one rule.
 * Returns the merged list, or the index of the unmatched opening argument.
 */
export function mergeSelectorArgs(args: readonly string[]): string[] | number {
  const out: string[] = [];
  let open = -1;
  let acc = '';
  for (let i = 0; i < args.length; i++) {
    const op = args[i];
    // A new opening argument restarts the selector even inside an open one, as in Redis.
    if (op[0] === '(' && op[op.length - 1] !== ')') {
      open = i;
      acc = op;
      continue;
    }
    if (open >= 0) {
      acc += ' ' + op;
      if (op[op.length - 1] === ')') {
        open = -1;
        out.push(acc);
      }
      continue;
    }
    out.push(op);
  }
  return open >= 0 ? open : out;
}

// --- describing users back as rules ---

function keyPatternString(k: KeyPattern): string {
  return (k.perm === PERM_RW ? '~' : k.perm === PERM_R ? '%R~' : '%W~') + k.pattern;
}

export function describeKeys(s: Selector): string {
  return s.allKeys ? '~*' : s.keys.map(keyPatternString).join(' ');
}

export function describeChannels(s: Selector): string {
  return s.allChannels ? '&*' : s.channels.map((c) => '&' + c).join(' ');
}

/**
 * The command rules that rebuild a selector's bitmap: +@all or -@all, then whichever categories
 * fit best (more commands in common than different), then single-command corrections.
 */
export function describeCommands(s: Selector): string {
  const { list } = commandIndex();
  const additive = !s.future;
  const rules: string[] = [additive ? '-@all' : '+@all'];
  const fake = new Selector();
  fake.setAll(!additive);
  const temp = new Selector();
  temp.allowed.set(s.allowed);
  const applied = new Set<string>();
  for (;;) {
    let best: string | null = null;
    let minDiff = Infinity;
    let maxSame = 0;
    for (const cat of CATEGORIES) {
      if (applied.has(cat)) continue;
      let on = 0;
      let off = 0;
      for (let id = 0; id < list.length; id++) {
        if (!list[id].acl.includes(cat)) continue;
        if (temp.allowed[id]) on++;
        else off++;
      }
      const diff = additive ? off : on;
      const same = additive ? on : off;
      if (same > diff && (diff < minDiff || (diff === minDiff && same > maxSame))) {
        best = cat;
        minDiff = diff;
        maxSame = same;
      }
    }
    if (best === null) break;
    fake.setCategory(best, additive);
    temp.setCategory(best, !additive);
    rules.push((additive ? '+@' : '-@') + best);
    applied.add(best);
  }
  for (let id = 0; id < list.length; id++) {
    const cmd = list[id];
    const bit = s.allowed[id];
    if (bit !== fake.allowed[id]) {
      rules.push((bit ? '+' : '-') + cmd.name);
      fake.changePerm(cmd, bit === 1);
    }
    const firsts = bit === 0 ? s.firstArgs?.get(id) : undefined;
    if (firsts) for (const a of firsts) rules.push(`+${cmd.name}|${a}`);
  }
  return rules.join(' ');
}

function describeSelector(s: Selector): string {
  const parts: string[] = [];
  if (s.allKeys) parts.push('~*');
  else for (const k of s.keys) parts.push(keyPatternString(k));
  if (s.allChannels) parts.push('&*');
  else {
    parts.push('resetchannels');
    for (const c of s.channels) parts.push('&' + c);
  }
  parts.push(describeCommands(s));
  return parts.join(' ');
}

/** The user as rules, the form ACL LIST and ACL SAVE write after "user <name> ". */
export function describeUser(u: User): string {
  const parts: string[] = [u.enabled ? 'on' : 'off'];
  if (u.nopass) parts.push('nopass');
  if (u.skipSanitizePayload) parts.push('skip-sanitize-payload');
  if (u.sanitizePayload) parts.push('sanitize-payload');
  for (const p of u.passwords) parts.push('#' + p);
  let out = parts.join(' ') + ' ' + describeSelector(u.root);
  for (let i = 1; i < u.selectors.length; i++) out += ` (${describeSelector(u.selectors[i])})`;
  return out;
}

/** The flag names GETUSER lists. */
export function userFlags(u: User): string[] {
  const out = [u.enabled ? 'on' : 'off'];
  if (u.nopass) out.push('nopass');
  if (u.skipSanitizePayload) out.push('skip-sanitize-payload');
  if (u.sanitizePayload) out.push('sanitize-payload');
  return out;
}
