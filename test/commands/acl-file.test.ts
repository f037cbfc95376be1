// The aclfile: loaded at start, ACL SAVE writes it back, ACL LOAD replaces the users all or
// nothing. Shoal and redis-server each get their own copy of the same file; their replies and
// the files they write must match (file names in error texts aside).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RespConn, requireRedis, startRedis, startShoal, type RunningServer } from '../helpers/server.js';

const INITIAL = [
  'user default on nopass ~* &* +@all',
  'user alice on #' + 'b'.repeat(64) + ' ~cache:* %R~ro:* resetchannels &news -@all +@hash +get',
  '',
  '   user bob off resetchannels -@all   ',
  'user carol on nopass ~* resetchannels +@all -@dangerous (~x* resetchannels -@all +set)',
].join('\n');

const enabled = requireRedis();

describe.skipIf(!enabled)('aclfile against redis-server', () => {
  let dir: string;
  const files: string[] = [];
  let shoal: RunningServer;
  let redis: RunningServer;
  let a: RespConn;
  let b: RespConn;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aclfile-'));
    for (const name of ['shoal.acl', 'redis.acl']) {
      const f = path.join(dir, name);
      fs.writeFileSync(f, INITIAL);
      files.push(f);
    }
    [shoal, redis] = await Promise.all([startShoal(['--aclfile', files[0]]), startRedis(['--aclfile', files[1]])]);
    [a, b] = await Promise.all([RespConn.connect(shoal.port), RespConn.connect(redis.port)]);
  });
  afterAll(async () => {
    a?.close();
    b?.close();
    await Promise.all([shoal?.stop(), redis?.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Same command on both; replies compared with each server's file name written as FILE. */
  async function both(...argv: string[]): Promise<string> {
    const [x, y] = await Promise.all([a.call(...argv), b.call(...argv)]);
    const shown = x.split(files[0]).join('FILE');
    expect(shown).toBe(y.split(files[1]).join('FILE'));
    return shown;
  }

  it('users from the file are live at start', async () => {
    await both('ACL', 'LIST');
    await both('ACL', 'GETUSER', 'carol');
    expect(await both('AUTH', 'carol', 'any')).toBe('+OK\r\n');
    await both('AUTH', 'default', 'x');
  });

  it('ACL SAVE writes what ACL LIST shows, and LOAD reads it back unchanged', async () => {
    await both('ACL', 'SETUSER', 'dave', 'on', '>pw', '~d*', '+@string', '-append');
    expect(await both('ACL', 'SAVE')).toBe('+OK\r\n');
    const saved = fs.readFileSync(files[0], 'latin1');
    expect(saved).toBe(fs.readFileSync(files[1], 'latin1'));
    expect(saved.split('\n')).toContain('user dave on #' + '30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4' + ' ~d* resetchannels -@all +@string -append');
    const list = await both('ACL', 'LIST');
    expect(await both('ACL', 'LOAD')).toBe('+OK\r\n');
    expect(await both('ACL', 'LIST')).toBe(list);
  });

  it('ACL LOAD replaces every user and disconnects the clients of the old ones', async () => {
    const [ca, cb] = await Promise.all([RespConn.connect(shoal.port), RespConn.connect(redis.port)]);
    expect(await ca.call('AUTH', 'carol', 'x')).toBe('+OK\r\n');
    expect(await cb.call('AUTH', 'carol', 'x')).toBe('+OK\r\n');
    for (const f of files) fs.writeFileSync(f, 'user carol on nopass +@all ~*\nuser erin off\n');
    expect(await both('ACL', 'LOAD')).toBe('+OK\r\n');
    await Promise.all([ca.waitClosed(), cb.waitClosed()]);
    // No default line: the default user is created afresh.
    await both('ACL', 'LIST');
  });

  // (An unmatched parenthesis is left out: it crashes redis-server 7.0.15's loader.)
  it('a file with errors changes nothing and says why, line by line', async () => {
    const bad = [
      'user frank on +nosuch ~*',
      'user gina on %X~a &x',
      'nouser x',
      'user ivan on',
      'user ivan off',
    ].join('\n');
    for (const f of files) fs.writeFileSync(f, bad);
    const before = await both('ACL', 'LIST');
    const err = await both('ACL', 'LOAD');
    expect(err).toMatch(/^-ERR .*WARNING: ACL errors detected, no change to the previously active ACL rules was performed\r\n$/);
    expect(await both('ACL', 'LIST')).toBe(before);
    for (const f of files) fs.rmSync(f);
    expect(await both('ACL', 'LOAD')).toMatch(/^-ERR Error loading ACLs, opening file 'FILE': No such file or directory\r\n$/);
  });
});

describe('aclfile at start', () => {
  it('a broken aclfile stops the server from starting', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aclfile-'));
    const f = path.join(dir, 'users.acl');
    fs.writeFileSync(f, 'user x on bogus\n');
    await expect(startShoal(['--aclfile', f])).rejects.toThrow(/ACL errors/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe.skipIf(!enabled)('user directives against redis-server', () => {
  it('each `user` directive defines one user; the default user is reset first', async () => {
    const args = [
      '--user', 'alice', 'on', '>pw', '~a*', '+@read',
      '--user', 'default', 'on', 'nopass', '~*', '+@all', '-flushall',
      '--user', 'bob', 'off', '(~x', '+get)',
      '--user', 'carol', 'on', 'nopass', '+@all', '~*',
    ];
    const [shoal, redis] = await Promise.all([startShoal(args), startRedis(args)]);
    try {
      const [a, b] = await Promise.all([RespConn.connect(shoal.port), RespConn.connect(redis.port)]);
      for (const cmd of [['ACL', 'LIST'], ['AUTH', 'alice', 'pw'], ['GET', 'a1'], ['SET', 'a1', 'v'], ['ACL', 'WHOAMI']]) {
        const [x, y] = await Promise.all([a.call(...cmd), b.call(...cmd)]);
        expect(`${cmd.join(' ')} => ${x}`).toBe(`${cmd.join(' ')} => ${y}`);
      }
      a.close();
      b.close();
    } finally {
      await Promise.all([shoal.stop(), redis.stop()]);
    }
  });

  it('a user declared twice or with a bad rule stops the server', async () => {
    await expect(startShoal(['--user', 'a', 'on', '--user', 'a', 'off'])).rejects.toThrow(/Duplicate user found/);
    await expect(startShoal(['--user', 'a', 'on', 'bogus'])).rejects.toThrow(/Error in user declaration 'bogus': Syntax error/);
  });

  it('users in the configuration and an aclfile together stop the server', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'userconf-'));
    const f = path.join(dir, 'users.acl');
    fs.writeFileSync(f, 'user x on\n');
    await expect(startShoal(['--aclfile', f, '--user', 'y', 'on'])).rejects.toThrow(/either an ACL file or declare users/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
