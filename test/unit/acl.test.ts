// ACL rules and checks as pure functions: parsing, describing back, and deciding permissions.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
// The command table first: the ACL modules and the command modules import each other.
import { lookupCommand } from '../../src/commands/registry.js';
import { checkCommand, DENIED_CHANNEL, DENIED_CMD, DENIED_KEY } from '../../src/acl/check.js';
import { applyUserRule, describeCommands, describeUser, mergeSelectorArgs, RULE_ERR } from '../../src/acl/rules.js';
import { hashPassword, User } from '../../src/acl/user.js';

function user(...rules: string[]): User {
  const u = new User('t');
  for (const r of rules) {
    const err = applyUserRule(u, r);
    if (err !== null) throw new Error(`${r}: ${err}`);
  }
  return u;
}

function check(u: User, ...argv: string[]): [number, number] | null {
  const cmd = lookupCommand(argv);
  if (cmd === null) throw new Error(`no command ${argv[0]}`);
  const d = checkCommand(u, cmd, argv);
  return d === null ? null : [d.reason, d.pos];
}

describe('rule parsing', () => {
  it('passwords are stored as SHA-256 hex, once each, and checked against every hash', () => {
    const u = user('>one', '>two', '>one');
    expect(u.passwords).toEqual([hashPassword('one'), hashPassword('two')]);
    expect(u.checkPassword('two')).toBe(true);
    expect(u.checkPassword('three')).toBe(false);
    applyUserRule(u, '<one');
    expect(u.checkPassword('one')).toBe(false);
    expect(applyUserRule(u, '<one')).toBe(RULE_ERR.noSuchPassword);
    expect(applyUserRule(u, '!' + hashPassword('two'))).toBeNull();
    expect(u.passwords).toEqual([]);
    expect(applyUserRule(u, '#' + 'F'.repeat(64))).toBe(RULE_ERR.badHash);
    applyUserRule(u, 'nopass');
    expect(u.checkPassword('anything')).toBe(true);
    applyUserRule(u, 'resetpass');
    expect(u.checkPassword('anything')).toBe(false);
  });

  it('binary passwords hash their bytes', () => {
    const u = user('>\x00\xff');
    expect(u.passwords[0]).toBe(createHash('sha256').update(Buffer.from([0, 255])).digest('hex'));
    expect(u.checkPassword('\x00\xff')).toBe(true);
    expect(u.checkPassword('\x00')).toBe(false);
  });

  it('key patterns merge their permissions; * forbids more patterns until resetkeys', () => {
    const u = user('%R~a', '%W~a', '%W~b', '~c');
    expect(u.root.keys).toEqual([
      { pattern: 'a', perm: 3 },
      { pattern: 'b', perm: 2 },
      { pattern: 'c', perm: 3 },
    ]);
    applyUserRule(u, 'allkeys');
    expect(applyUserRule(u, '~x')).toBe(RULE_ERR.keysAfterAll);
    expect(applyUserRule(u, 'resetkeys')).toBeNull();
    expect(applyUserRule(u, '%RX~x')).toBe(RULE_ERR.syntax);
    expect(applyUserRule(u, '%RR~x')).toBe(RULE_ERR.syntax);
    expect(applyUserRule(u, '~a\tb')).toBe(RULE_ERR.syntax);
  });

  it('command rules: unknown names, subcommands, first arguments', () => {
    const u = new User('t');
    expect(applyUserRule(u, '+nosuch')).toBe(RULE_ERR.unknown);
    expect(applyUserRule(u, '+@nosuch')).toBe(RULE_ERR.unknown);
    expect(applyUserRule(u, '+client|id|x')).toBe(RULE_ERR.subcommandFirstArg);
    expect(applyUserRule(u, '+client|nosuch')).toBe(RULE_ERR.unknown);
    expect(applyUserRule(u, '+select|')).toBe(RULE_ERR.syntax);
    expect(applyUserRule(u, '+select|0')).toBeNull();
    expect(applyUserRule(u, '+SELECT|0')).toBeNull();
    expect(describeCommands(u.root)).toBe('-@all +select|0');
    expect(applyUserRule(u, 'bogus')).toBe(RULE_ERR.syntax);
  });

  it('selectors written across arguments are joined; an unclosed one names its first argument', () => {
    expect(mergeSelectorArgs(['on', '(~a', '+get)', '(+set)'])).toEqual(['on', '(~a +get)', '(+set)']);
    expect(mergeSelectorArgs(['on', '(~a', '+get'])).toBe(1);
  });

  it('reset returns a user to its just-created rights, with sanitize-payload', () => {
    const u = user('on', 'nopass', '~*', '&*', '+@all', '(+get ~x)');
    applyUserRule(u, 'reset');
    expect(describeUser(u)).toBe('off sanitize-payload resetchannels -@all');
  });
});

describe('describing users', () => {
  it('round-trips: applying the description to a new user gives the same description', () => {
    const samples = [
      ['on', '>p', '~a*', '%R~b*', '&c', '+@all', '-@dangerous', '-get'],
      ['+@hash', '+@list', '-lpush', '+client|id', '+select|1'],
      ['allcommands', '-@write', '+set', '(~x %W~y &z +@read)'],
      ['nocommands', '+client', '-client|kill', 'skip-sanitize-payload'],
    ];
    for (const rules of samples) {
      const a = user(...rules);
      const text = describeUser(a);
      const b = user(...mergeSelectorArgs(text.split(' ')) as string[]);
      expect(describeUser(b)).toBe(text);
      expect(b.root.allowed).toEqual(a.root.allowed);
    }
  });

  it('starts from +@all only when future commands are allowed', () => {
    expect(describeCommands(user('+@all', '-get').root)).toBe('+@all -get');
    expect(describeCommands(user('-@all', '+@string').root)).toBe('-@all +@string');
  });
});

describe('permission checks', () => {
  it('commands and categories', () => {
    const u = user('+@string', '-append', '~*', '&*');
    expect(check(u, 'get', 'k')).toBeNull();
    expect(check(u, 'append', 'k', 'v')).toEqual([DENIED_CMD, 0]);
    expect(check(u, 'lpush', 'k', 'v')).toEqual([DENIED_CMD, 0]);
    // AUTH-free commands always run.
    expect(check(u, 'auth', 'x')).toBeNull();
  });

  it('reads need read permission and writes need write permission', () => {
    const u = user('+@all', '%R~r*', '%W~w*', '~rw*');
    expect(check(u, 'get', 'r1')).toBeNull();
    expect(check(u, 'get', 'w1')).toEqual([DENIED_KEY, 1]);
    expect(check(u, 'set', 'w1', 'v')).toBeNull();
    expect(check(u, 'set', 'r1', 'v')).toEqual([DENIED_KEY, 1]);
    expect(check(u, 'set', 'w1', 'v', 'GET')).toEqual([DENIED_KEY, 1]);
    expect(check(u, 'incr', 'w1')).toEqual([DENIED_KEY, 1]);
    expect(check(u, 'incr', 'rw1')).toBeNull();
    expect(check(u, 'mset', 'w1', 'v', 'r1', 'v')).toEqual([DENIED_KEY, 3]);
    expect(check(u, 'del', 'w1')).toBeNull();
    // EXISTS neither reads nor writes the value: any pattern that matches will do.
    expect(check(u, 'exists', 'w1')).toBeNull();
    expect(check(u, 'bitfield', 'r1', 'GET', 'u8', '0')).toBeNull();
    expect(check(u, 'bitfield', 'r1', 'SET', 'u8', '0', '1')).toEqual([DENIED_KEY, 1]);
  });

  it('channels: publish and subscribe match patterns, psubscribe needs the pattern itself', () => {
    const u = user('+@all', '~*', 'resetchannels', '&news.*');
    expect(check(u, 'publish', 'news.1', 'm')).toBeNull();
    expect(check(u, 'publish', 'other', 'm')).toEqual([DENIED_CHANNEL, 1]);
    expect(check(u, 'subscribe', 'news.1', 'other')).toEqual([DENIED_CHANNEL, 2]);
    expect(check(u, 'psubscribe', 'news.*')).toBeNull();
    expect(check(u, 'psubscribe', 'news.1')).toEqual([DENIED_CHANNEL, 1]);
    expect(check(u, 'unsubscribe', 'other')).toBeNull();
  });

  it('any selector may allow; otherwise the refusal is the most specific, at the latest argument', () => {
    const u = user('+get', '~a*', '(+set ~b*)', '(+mget ~c* ~d*)');
    expect(check(u, 'get', 'a1')).toBeNull();
    expect(check(u, 'set', 'b1', 'v')).toBeNull();
    expect(check(u, 'set', 'a1', 'v')).toEqual([DENIED_KEY, 1]);
    expect(check(u, 'mget', 'c', 'd', 'x')).toEqual([DENIED_KEY, 3]);
    expect(check(u, 'lpush', 'a1', 'v')).toEqual([DENIED_CMD, 0]);
  });

  it('first-argument rules allow only that argument', () => {
    const u = user('+select|0', '~*');
    expect(check(u, 'select', '0')).toBeNull();
    expect(check(u, 'select', '1')).toEqual([DENIED_CMD, 0]);
  });

  it('container rules reach every subcommand; a subcommand rule only itself', () => {
    const u = user('+client', '-client|kill');
    expect(check(u, 'client', 'id')).toBeNull();
    expect(check(u, 'client', 'kill', 'id', '1')).toEqual([DENIED_CMD, 0]);
  });
});
