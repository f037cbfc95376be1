// The user table: the default user (which requirepass sets the password of), ACL SETUSER staging,
// deletion (which disconnects the user's clients) and the aclfile.

import * as fs from 'node:fs';
import { ERR } from '../errors.js';
import { CLIENT_CLOSE_AFTER_REPLY, type Client } from '../server/client.js';
import { server } from '../server/state.js';
import { globMatch } from '../util/glob.js';
import { applyUserRule, describeUser, hasSpaces, mergeSelectorArgs } from './rules.js';
import { selectorDefaults, User } from './user.js';
import { strerror } from '../util/errno.js';

let table: Map<string, User> | null = null;

function newDefaultUser(): User {
  const u = new User('default');
  for (const op of ['+@all', '~*', '&*', 'on', 'nopass']) applyUserRule(u, op);
  return u;
}

export function users(): Map<string, User> {
  if (table === null) {
    table = new Map([['default', newDefaultUser()]]);
    // requirepass is the default user's password: setting it replaces them all, '' means nopass.
    server.whenConfigured((config) => {
      config.watch('requirepass', (v) => {
        const d = defaultUser();
        applyUserRule(d, 'resetpass');
        applyUserRule(d, v === '' ? 'nopass' : '>' + v);
        syncDefault();
      });
      config.watch('acl-pubsub-default', (v) => {
        selectorDefaults.allChannels = v === 'allchannels';
      });
      // With an aclfile the users live there: CONFIG REWRITE drops `user` lines.
      config.provideRewriteLines('user', () => (config.get('aclfile') === '' ? userLines() : []));
    });
  }
  return table;
}

export function defaultUser(): User {
  return users().get('default')!;
}

export function getUser(name: string): User | undefined {
  return users().get(name);
}

/** True while no user has any restriction: the dispatcher's check is then one test. */
export let noRestrictions = true;

/**
 * After any change to users: new connections start authenticated unless the default user needs
 * a password or is off; the fast path holds while every user may do everything.
 */
function syncDefault(): void {
  const d = defaultUser();
  server.defaultAuthRequired = !d.nopass || !d.enabled;
  noRestrictions = true;
  for (const u of users().values()) if (!u.unrestricted) noRestrictions = false;
}

/** ACL SETUSER: every rule is tried on a copy first, so a bad rule changes nothing. */
export function setUser(name: string, rules: readonly string[]): string | null {
  const merged = mergeSelectorArgs(rules);
  if (typeof merged === 'number') return ERR.aclUnmatchedParen(rules[merged]);
  const existing = getUser(name);
  const staged = existing ? existing.clone() : new User(name);
  for (const op of merged) {
    const err = applyUserRule(staged, op);
    if (err !== null) return ERR.aclSetuserModifier(op, err);
  }
  if (existing) {
    killRevokedSubscribers(existing, staged);
    existing.copyFrom(staged);
  } else users().set(name, staged);
  syncDefault();
  return null;
}

/** Disconnect the clients authenticated as a user that no longer exists (Redis does the same). */
function killClientsOf(name: string, current: Client | null): void {
  for (const cl of server.clients.values()) {
    if (cl.user !== name) continue;
    cl.user = 'default';
    cl.authenticated = false;
    if (cl === current) cl.flags |= CLIENT_CLOSE_AFTER_REPLY;
    else cl.close();
  }
}

export function deleteUser(name: string, current: Client | null): boolean {
  const u = users().get(name);
  if (u === undefined) return false;
  users().delete(name);
  killClientsOf(name, current);
  syncDefault();
  return true;
}

/** Subscribers of a user whose channel permissions shrank are disconnected if now out of bounds. */
function killRevokedSubscribers(before: User, after: User): void {
  if (after.selectors.some((s) => s.allChannels)) return;
  const upcoming = after.selectors.flatMap((s) => s.channels);
  const shrank = before.selectors.some((s) => s.allChannels || s.channels.some((ch) => !upcoming.includes(ch)));
  if (!shrank) return;
  for (const cl of server.clients.values()) {
    if (cl.user !== before.name) continue;
    let kill = false;
    if (cl.patterns) for (const p of cl.patterns) if (!upcoming.includes(p)) kill = true;
    const plain = [...(cl.channels ?? []), ...(cl.shardChannels ?? [])];
    for (const ch of plain) if (!upcoming.some((p) => globMatch(p, ch, false))) kill = true;
    if (kill) cl.close();
  }
}


// --- aclfile ---

/**
 * Load users from the aclfile, all or nothing; returns the error text or null. The caller (ACL
 * LOAD), if its user is replaced, gets its reply before its connection closes, as in Redis.
 */
export function loadAclFile(filename: string, caller: Client | null = null): string | null {
  let text: string;
  try {
    text = fs.readFileSync(filename, 'latin1');
  } catch (err) {
    return `Error loading ACLs, opening file '${filename}': ${strerror(err)}`;
  }
  const fresh = new Map<string, User>();
  let errors = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line === '') continue;
    const argv = line.split(' ').filter((x) => x !== '');
    const where = `${filename}:${i + 1}`;
    if (argv[0] !== 'user' || argv.length < 2) {
      errors += `${where} should start with user keyword followed by the username. `;
      continue;
    }
    if (hasSpaces(argv[1])) {
      errors += `'${where}: username '${argv[1]}' contains invalid characters. `;
      continue;
    }
    if (fresh.has(argv[1])) {
      errors += `WARNING: Duplicate user '${argv[1]}' found on line ${i + 1}. `;
      continue;
    }
    const u = new User(argv[1]);
    fresh.set(argv[1], u);
    const merged = mergeSelectorArgs(argv.slice(2));
    if (typeof merged === 'number') {
      errors += `${where}: Unmatched parenthesis in selector definition.`;
      continue;
    }
    let syntaxReported = false;
    for (const op of merged) {
      const err = applyUserRule(u, op);
      if (err === null) continue;
      if (err.startsWith('Unknown command')) errors += `${where}: Error in applying operation '${op}': ${err}. `;
      else if (!syntaxReported) {
        errors += `${where}: ${err}. `;
        syntaxReported = true;
      }
    }
  }
  if (errors !== '') return errors + 'WARNING: ACL errors detected, no change to the previously active ACL rules was performed';
  // The default user object stays the same; the others are replaced and their clients disconnected.
  const d = defaultUser();
  d.copyFrom(fresh.get('default') ?? newDefaultUser());
  fresh.set('default', d);
  const old = users();
  table = fresh;
  for (const name of old.keys()) if (name !== 'default') killClientsOf(name, caller);
  syncDefault();
  return null;
}

/** Every user as a `user` line, in name order (ACL LIST, ACL SAVE, CONFIG REWRITE). */
export function userLines(): string[] {
  return [...users().keys()].sort().map((name) => `user ${name} ${describeUser(users().get(name)!)}`);
}

/** Write every user as a `user` line, through a temporary file renamed into place. */
export function saveAclFile(filename: string): boolean {
  let out = '';
  for (const line of userLines()) out += line + '\n';
  const tmp = `${filename}.tmp-${process.pid}-${Date.now()}`;
  try {
    fs.writeFileSync(tmp, out, 'latin1');
    fs.renameSync(tmp, filename);
    return true;
  } catch {
    fs.rmSync(tmp, { force: true });
    return false;
  }
}

/**
 * At start: the default user follows requirepass; then the `user` lines of the configuration
 * (one user per line, the default user reset first) or the aclfile, never both, as Redis insists.
 */
export function initAcl(aclfile: string, userLines: string): void {
  users();
  if (userLines !== '' && aclfile !== '') {
    throw new Error('Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.');
  }
  const seen = new Set<string>();
  for (const line of userLines === '' ? [] : userLines.split('\n')) {
    const [name, ...rules] = line.split(/\s+/).filter((w) => w !== '');
    if (seen.has(name)) throw new Error(`Error in user declaration '${name}': Duplicate user found. A user can only be defined once in config files`);
    seen.add(name);
    if (hasSpaces(name)) throw new Error('Spaces not allowed in ACL usernames');
    const merged = mergeSelectorArgs(rules);
    if (typeof merged === 'number') throw new Error(`Error in user declaration '${rules[merged]}': Unmatched parenthesis`);
    let u = getUser(name);
    if (u === undefined) users().set(name, (u = new User(name)));
    else applyUserRule(u, 'reset');
    for (const op of merged) {
      const err = applyUserRule(u, op);
      if (err !== null) throw new Error(`Error in user declaration '${op}': ${err}`);
    }
  }
  syncDefault();
  if (aclfile === '') return;
  const err = loadAclFile(aclfile);
  if (err !== null) throw new Error(`Aborting Redis startup because of ACL errors: ${err}`);
}
