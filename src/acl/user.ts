// ACL users and selectors (Redis 7.0 model): a user has flags, password hashes and a root
// selector plus optional extra selectors; a command runs when any one selector allows it.

import { createHash, timingSafeEqual } from 'node:crypto';
import { allCommands } from '../commands/registry.js';
import type { CommandSpec } from '../commands/spec.js';

/** The categories Redis 7.0 knows, in its order (ACL CAT, GETUSER descriptions). */
export const CATEGORIES = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo',
  'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting',
] as const;

export const PERM_R = 1;
export const PERM_W = 2;
export const PERM_RW = 3;

export interface KeyPattern {
  pattern: string;
  perm: number;
}

/** Every command and subcommand, numbered: selectors keep one allow byte per number. */
interface CommandIndex {
  list: CommandSpec[];
  ids: Map<CommandSpec, number>;
}
let index: CommandIndex | null = null;

export function commandIndex(): CommandIndex {
  if (index !== null) return index;
  const list: CommandSpec[] = [];
  // Sorted by name so descriptions are stable from run to run.
  const top = [...allCommands()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const cmd of top) {
    list.push(cmd);
    if (cmd.subcommands) {
      const subs = [...cmd.subcommands.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
      for (const s of subs) list.push(s);
    }
  }
  const ids = new Map<CommandSpec, number>();
  list.forEach((c, i) => ids.set(c, i));
  index = { list, ids };
  return index;
}

export function commandId(cmd: CommandSpec): number {
  return commandIndex().ids.get(cmd) ?? -1;
}

/** acl-pubsub-default: whether new selectors (and `reset`) start with every channel allowed. */
export const selectorDefaults = { allChannels: false };

export class Selector {
  /** Set by +@all; any -command clears it (the bits then decide). */
  allCommands = false;
  /** +@all also grants commands added later; only -@all takes that back (Redis's reserved bit). */
  future = false;
  allowed: Uint8Array;
  /** Allowed first arguments of otherwise denied commands (+select|0), by command id. */
  firstArgs: Map<number, string[]> | null = null;
  allKeys = false;
  keys: KeyPattern[] = [];
  allChannels = selectorDefaults.allChannels;
  channels: string[] = [];

  constructor() {
    this.allowed = new Uint8Array(commandIndex().list.length);
  }

  clone(): Selector {
    const s = new Selector();
    s.allCommands = this.allCommands;
    s.future = this.future;
    s.allowed.set(this.allowed);
    if (this.firstArgs !== null) {
      s.firstArgs = new Map();
      for (const [k, v] of this.firstArgs) s.firstArgs.set(k, [...v]);
    }
    s.allKeys = this.allKeys;
    s.keys = this.keys.map((k) => ({ pattern: k.pattern, perm: k.perm }));
    s.allChannels = this.allChannels;
    s.channels = [...this.channels];
    return s;
  }

  setBit(id: number, allow: boolean): void {
    this.allowed[id] = allow ? 1 : 0;
    if (!allow) this.allCommands = false;
  }

  /** Allow or deny a command; a container's subcommands follow it. */
  changePerm(cmd: CommandSpec, allow: boolean): void {
    const id = commandId(cmd);
    this.setBit(id, allow);
    this.firstArgs?.delete(id);
    if (cmd.subcommands) for (const sub of cmd.subcommands.values()) this.setBit(commandId(sub), allow);
  }

  setCategory(category: string, allow: boolean): void {
    for (const cmd of commandIndex().list) if (cmd.acl.includes(category)) this.changePerm(cmd, allow);
  }

  setAll(allow: boolean): void {
    this.allowed.fill(allow ? 1 : 0);
    this.allCommands = allow;
    this.future = allow;
    this.firstArgs = null;
  }
}

export class User {
  enabled = false;
  nopass = false;
  sanitizePayload = false;
  skipSanitizePayload = false;
  /** SHA-256 hex digests, in the order added. */
  passwords: string[] = [];
  /** [0] is the root selector. */
  selectors: Selector[] = [new Selector()];
  /** No restriction at all: the dispatcher skips its check (recomputed after every change). */
  unrestricted = false;

  constructor(readonly name: string) {}

  get root(): Selector {
    return this.selectors[0];
  }

  clone(name = this.name): User {
    const u = new User(name);
    u.copyFrom(this);
    return u;
  }

  copyFrom(src: User): void {
    this.enabled = src.enabled;
    this.nopass = src.nopass;
    this.sanitizePayload = src.sanitizePayload;
    this.skipSanitizePayload = src.skipSanitizePayload;
    this.passwords = [...src.passwords];
    this.selectors = src.selectors.map((s) => s.clone());
    this.refresh();
  }

  refresh(): void {
    const r = this.root;
    this.unrestricted = r.allCommands && r.allKeys && r.allChannels;
  }

  /** Constant-time check of a password against every stored hash. */
  checkPassword(pass: string): boolean {
    if (this.nopass) return true;
    const given = createHash('sha256').update(pass, 'latin1').digest();
    let ok = false;
    for (const h of this.passwords) {
      if (timingSafeEqual(given, Buffer.from(h, 'hex'))) ok = true;
    }
    return ok;
  }
}

export function hashPassword(pass: string): string {
  return createHash('sha256').update(pass, 'latin1').digest('hex');
}
