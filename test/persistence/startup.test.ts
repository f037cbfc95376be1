// Start-up as Redis's own test harness sees it: the "PID: n" banner once the listeners are open,
// refused starts that exit 1 and say why in the log on stdout with Redis's wording (a corrupt RDB,
// every kind of broken AOF manifest, a missing AOF file), and an AOF replayed as Redis replays it
// (a past EXPIRE keeps the key while loading, scripts write on a read-only replica, FLUSHALL on
// an empty dataset is still logged, #TS annotations); redis-cli --functions-rdb gets no keys;
// a snapshot writer killed while idle is replaced; mem_total_replication_buffers grows.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeCommand } from '../helpers/resp.js';
import { freePort, RespConn, requireRedis, SHOAL_BIN, startShoal, type RunningServer } from '../helpers/server.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-start-'));
  dirs.push(d);
  return d;
}

/** Run a server expected to refuse to start: its exit code, stdout and stderr. */
async function refused(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawn(process.execPath, [SHOAL_BIN, '--port', String(await freePort()), '--save', '', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d) => (stdout += d));
  p.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((r) => p.once('exit', r));
  return { code, stdout, stderr };
}

function aofDir(dir: string): string {
  const d = path.join(dir, 'appendonlydir');
  fs.mkdirSync(d, { recursive: true });
  return d;
}

function resp(...cmds: string[][]): Buffer {
  return Buffer.concat(cmds.map((c) => encodeCommand(c)));
}

/** An AOF directory with the given manifest text and files. */
function aofLayout(manifest: string, files: Record<string, Buffer | string>): string {
  const dir = tmpDir();
  const d = aofDir(dir);
  fs.writeFileSync(path.join(d, 'appendonly.aof.manifest'), manifest);
  for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(d, name), body);
  return dir;
}

const INCR1 = { 'appendonly.aof.1.incr.aof': resp(['SET', 'k', 'v']) };

describe('start-up', () => {
  it('with always-show-logo the banner names the PID once the port accepts connections', async () => {
    const port = await freePort();
    const p = spawn(process.execPath, [SHOAL_BIN, '--port', String(port), '--save', '', '--always-show-logo', 'yes'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const seen = await new Promise<boolean>((resolve) => {
        let out = '';
        p.stdout.on('data', (d) => {
          out += d;
          if (out.includes(`PID: ${p.pid}`)) {
            // Connect right away: the listener must already be open (Redis's harness relies on it).
            const s = net.connect(port, '127.0.0.1', () => {
              s.destroy();
              resolve(true);
            });
            s.once('error', () => resolve(false));
          }
        });
      });
      expect(seen).toBe(true);
    } finally {
      const done = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      await done;
    }
  });

  it('a dump file with a wrong checksum is refused: exit 1, "RDB CRC error" and the offset on stdout', async () => {
    const s = await startShoal();
    const c = await RespConn.connect(s.port);
    await c.call('SET', 'k', 'v');
    await c.call('SAVE');
    c.close();
    const dump = path.join(s.dir, 'dump.rdb');
    const rdb = fs.readFileSync(dump);
    const dir = tmpDir();
    await s.stop();
    rdb.write('foobar00', rdb.length - 8, 'latin1');
    fs.writeFileSync(path.join(dir, 'dump.rdb'), rdb);
    const r = await refused(['--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`RDB CRC error: wrong RDB checksum at offset ${rdb.length - 8}`);
    expect(r.stderr).toBe('');
  });
});

describe('a broken AOF refuses the start with Redis words', () => {
  const cases: [string, string, Record<string, Buffer | string>, string][] = [
    ['a missing file', 'file appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n', { 'appendonly.aof.2.incr.aof': resp(['SET', 'k', 'v']) }, "The append log file appendonly.aof.1.incr.aof doesn't exist: No such file or directory"],
    ['decreasing sequence numbers', 'file appendonly.aof.2.incr.aof seq 2 type i\nfile appendonly.aof.1.incr.aof seq 1 type i\n', INCR1, 'Found a non-monotonic sequence number'],
    ['a blank line', 'file appendonly.aof.1.incr.aof seq 1 type i\n\nfile appendonly.aof.3.incr.aof seq 3 type i\n', INCR1, 'Invalid AOF manifest file format'],
    ['two bases', 'file a.1.base.aof seq 1 type b\nfile a.2.base.aof seq 2 type b\n', {}, 'Found duplicate base file information'],
    ['an unknown type', 'file appendonly.aof.1.incr.aof seq 1 type x\n', INCR1, 'Unknown AOF file type'],
    ['a missing key', 'filx appendonly.aof.1.incr.aof seq 1 type i\n', INCR1, 'Invalid AOF manifest file format'],
    ['a short line', 'file appendonly.aof.1.incr.aof type i\n', INCR1, 'Invalid AOF manifest file format'],
    ['an odd word count', 'file appendonly.aof.1.incr.aof seq 1 type i newkey\n', INCR1, 'Invalid AOF manifest file format'],
    ['a line over 1024 bytes', `${'file appendonly.aof.1.incr.aof seq 1 type i '.repeat(30)}\n`, INCR1, 'The AOF manifest file contains too long line'],
    ['an empty manifest', '', {}, 'Found an empty AOF manifest'],
    ['a path for a name', 'file ../appendonly.aof.1.incr.aof seq 1 type i\n', {}, "File can't be a path, just a filename"],
  ];
  for (const [what, manifest, files, words] of cases) {
    it(what, async () => {
      const r = await refused(['--dir', aofLayout(manifest, files), '--appendonly', 'yes']);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(words);
      expect(r.stdout.split('\n').filter((l) => l.includes(words))).toHaveLength(1);
    });
  }

  it('the old-style base named in the manifest but in neither directory', async () => {
    const r = await refused(['--dir', aofLayout('file appendonly.aof seq 1 type b\n', {}), '--appendonly', 'yes']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("The append log file appendonly.aof doesn't exist: No such file or directory");
  });
});

describe('AOF loading and writing as Redis does', () => {
  let s: RunningServer | null = null;
  afterAll(async () => {
    await s?.stop();
  });

  it('an upgrade from a single appendonly.aof stopped before the move is finished', async () => {
    const dir = aofLayout('file appendonly.aof seq 1 type b\n', {});
    fs.writeFileSync(path.join(dir, 'appendonly.aof'), resp(['SET', 'k1', 'v1']));
    const r = await startShoal(['--dir', dir, '--appendonly', 'yes']);
    try {
      const c = await RespConn.connect(r.port);
      expect(await c.call('GET', 'k1')).toBe('$2\r\nv1\r\n');
      c.close();
      expect(fs.existsSync(path.join(dir, 'appendonly.aof'))).toBe(false);
      expect(fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1')).toBe(
        'file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n',
      );
    } finally {
      await r.stop();
    }
  });

  it('a past PEXPIREAT keeps the key while loading: a later RPUSH adds to it and the key is expired after', async () => {
    const script = 'redis.call("set",KEYS[1],"100") redis.call("incr",KEYS[1])';
    const dir = aofLayout('file appendonly.aof.1.incr.aof seq 1 type i\n', {
      'appendonly.aof.1.incr.aof': resp(
        ['RPUSH', 'list', 'foo'], ['PEXPIREAT', 'list', '1000'], ['RPUSH', 'list', 'bar'],
        ['SELECT', '9'], ['EVAL', script, '1', 'foo'],
      ),
    });
    // replicaof a port nothing listens on: the AOF's script writes anyway, as the AOF client may.
    s = await startShoal(['--dir', dir, '--appendonly', 'yes', '--replica-read-only', 'yes', '--replicaof', '127.0.0.1', '1']);
    const c = await RespConn.connect(s.port);
    expect(await c.call('LLEN', 'list')).toBe(':0\r\n');
    await c.call('SELECT', '9');
    expect(await c.call('GET', 'foo')).toBe('$3\r\n101\r\n');
    c.close();
    await s.stop();
    s = null;
  });

  it('FLUSHALL on an empty dataset with save points still reaches the AOF; aof-timestamp-enabled writes #TS lines', async () => {
    s = await startShoal(['--appendonly', 'yes', '--save', '900 1', '--aof-timestamp-enabled', 'yes']);
    const c = await RespConn.connect(s.port);
    for (const cmd of [['SET', 'k', 'v'], ['FLUSHALL'], ['FLUSHALL'], ['FLUSHALL']]) await c.call(...cmd);
    c.close();
    const incr = fs.readFileSync(path.join(s.dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), 'latin1');
    expect(incr).toMatch(/^#TS:\d+\r\n\*2\r\n\$6\r\nSELECT/);
    expect(incr.split('$8\r\nFLUSHALL\r\n')).toHaveLength(4);
  });
});

describe('AOF turned on at run time', () => {
  async function info(c: RespConn, field: string): Promise<string> {
    const m = new RegExp(`${field}:(\\S+)`).exec(await c.call('INFO', 'persistence'));
    return m === null ? '' : m[1];
  }
  async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 500; i++) {
      if (await probe()) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  it('waits for its first rewrite: a BGSAVE running schedules it, the files appear only once it is done', async () => {
    const s = await startShoal(['--enable-debug-command', 'yes']);
    try {
      const c = await RespConn.connect(s.port);
      await c.call('SET', 'k1', 'v1');
      // A second per key: the BGSAVE of its one key lasts that long.
      await c.call('CONFIG', 'SET', 'rdb-key-save-delay', '1000000');
      expect(await c.call('BGSAVE')).toBe('+Background saving started\r\n');
      expect(await c.call('CONFIG', 'SET', 'appendonly', 'yes')).toBe('+OK\r\n');
      expect(await info(c, 'aof_rewrite_scheduled')).toBe('1');
      expect(await info(c, 'aof_enabled')).toBe('1');
      const manifestPath = path.join(s.dir, 'appendonlydir', 'appendonly.aof.manifest');
      expect(fs.existsSync(manifestPath)).toBe(false);
      const forks = Number((/total_forks:(\d+)/.exec(await c.call('INFO', 'stats')) ?? [])[1]);
      await c.call('CONFIG', 'SET', 'rdb-key-save-delay', '0');
      await c.call('SET', 'k2', 'v2');
      await until('the rewrite to run and finish', async () => (await info(c, 'aof_rewrite_in_progress')) === '0' && fs.existsSync(manifestPath));
      expect(Number((/total_forks:(\d+)/.exec(await c.call('INFO', 'stats')) ?? [])[1])).toBeGreaterThan(forks);
      expect(fs.readFileSync(manifestPath, 'latin1')).toBe('file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
      await c.call('SET', 'k3', 'v3');
      const digest = await c.call('DEBUG', 'DIGEST');
      expect(await c.call('DEBUG', 'LOADAOF')).toBe('+OK\r\n');
      expect(await c.call('DEBUG', 'DIGEST')).toBe(digest);
      expect(await c.call('GET', 'k3')).toBe('$2\r\nv3\r\n');
      c.close();
    } finally {
      await s.stop();
    }
  });

  it('aof-disable-auto-gc keeps history files, newest first, until it is turned off', async () => {
    const s = await startShoal(['--appendonly', 'yes', '--aof-disable-auto-gc', 'yes']);
    try {
      const c = await RespConn.connect(s.port);
      for (let i = 0; i < 2; i++) {
        await c.call('SET', 'k', String(i));
        await c.call('BGREWRITEAOF');
        await until('the rewrite', async () => (await info(c, 'aof_rewrite_in_progress')) === '0' && (await info(c, 'aof_rewrite_scheduled')) === '0');
      }
      const manifestPath = path.join(s.dir, 'appendonlydir', 'appendonly.aof.manifest');
      await until('the manifest', async () => fs.readFileSync(manifestPath, 'latin1').includes('seq 3 type b'));
      expect(fs.readFileSync(manifestPath, 'latin1')).toBe(
        'file appendonly.aof.3.base.rdb seq 3 type b\nfile appendonly.aof.2.incr.aof seq 2 type h\nfile appendonly.aof.2.base.rdb seq 2 type h\n' +
          'file appendonly.aof.1.incr.aof seq 1 type h\nfile appendonly.aof.1.base.rdb seq 1 type h\nfile appendonly.aof.3.incr.aof seq 3 type i\n',
      );
      await c.call('CONFIG', 'SET', 'aof-disable-auto-gc', 'no');
      expect(fs.readFileSync(manifestPath, 'latin1')).toBe('file appendonly.aof.3.base.rdb seq 3 type b\nfile appendonly.aof.3.incr.aof seq 3 type i\n');
      c.close();
    } finally {
      await s.stop();
    }
  });
});

describe('background children as Redis tests see them', () => {
  it('a snapshot writer killed while idle is replaced: the next BGREWRITEAOF succeeds', async () => {
    const s = await startShoal(['--appendonly', 'yes']);
    try {
      const c = await RespConn.connect(s.port);
      await c.call('SET', 'k', 'v');
      await c.call('BGSAVE');
      const done = async (): Promise<boolean> => /rdb_bgsave_in_progress:0/.test(await c.call('INFO', 'persistence'));
      for (let i = 0; i < 300 && !(await done()); i++) await new Promise((r) => setTimeout(r, 10));
      // The writer stays up between saves; kill it the way Redis's tests kill "the child".
      const kids = spawnSync('pgrep', ['-P', String(s.proc.pid)], { encoding: 'latin1' }).stdout.trim().split('\n').filter((x) => x !== '');
      expect(kids.length).toBeGreaterThan(0);
      for (const pid of kids) process.kill(Number(pid), 'SIGKILL');
      // Killed means dead (a zombie or gone): a signal still in flight is a writer dying under the
      // next job, which fails that job like a crashed child, a different case.
      const dead = (pid: string): boolean => {
        try {
          const st = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
          return st[st.lastIndexOf(')') + 2] === 'Z';
        } catch {
          return true;
        }
      };
      for (let i = 0; i < 200 && !kids.every(dead); i++) await new Promise((r) => setTimeout(r, 10));
      expect(await c.call('BGREWRITEAOF')).toBe('+Background append only file rewriting started\r\n');
      let info = '';
      for (let i = 0; i < 300; i++) {
        info = await c.call('INFO', 'persistence');
        if (/aof_rewrite_in_progress:0/.test(info)) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(info).toContain('aof_last_bgrewrite_status:ok');
      c.close();
    } finally {
      await s.stop();
    }
  });

  it('INFO mem_total_replication_buffers counts what a stalled replica has not taken', async () => {
    const primary = await startShoal(['--repl-diskless-sync-delay', '0']);
    const replica = await startShoal(['--replicaof', '127.0.0.1', String(primary.port)]);
    try {
      const c = await RespConn.connect(primary.port);
      const synced = async (): Promise<boolean> => /slave0:.*state=online/.test(await c.call('INFO', 'replication'));
      for (let i = 0; i < 500 && !(await synced()); i++) await new Promise((r) => setTimeout(r, 10));
      expect(await synced()).toBe(true);
      replica.proc.kill('SIGSTOP');
      const big = 'x'.repeat(1 << 20);
      let mem = 0;
      for (let i = 0; i < 64 && mem <= 2 * 1024 * 1024; i++) {
        await c.call('SET', `k${i}`, big);
        mem = Number((/mem_total_replication_buffers:(\d+)/.exec(await c.call('INFO', 'memory')) ?? [])[1]);
      }
      expect(mem).toBeGreaterThan(2 * 1024 * 1024);
      replica.proc.kill('SIGCONT');
      c.close();
    } finally {
      replica.proc.kill('SIGCONT');
      await replica.stop();
      await primary.stop();
    }
  });
});

describe.skipIf(!requireRedis())('redis-cli --rdb / --functions-rdb', () => {
  for (const diskless of ['no', 'yes']) {
    it(`functions only leaves the keys out (repl-diskless-sync ${diskless})`, async () => {
      const s = await startShoal(['--repl-diskless-sync', diskless, '--repl-diskless-sync-delay', '0', '--enable-debug-command', 'yes']);
      try {
        const c = await RespConn.connect(s.port);
        expect(await c.call('DEBUG', 'POPULATE', '1000')).toBe('+OK\r\n');
        await c.call('FUNCTION', 'LOAD', "#!lua name=lib1\nredis.register_function('func1', function() return 123 end)");
        c.close();
        const dir = tmpDir();
        for (const [flag, keys] of [['--functions-rdb', ':0\r\n'], ['--rdb', ':1000\r\n']]) {
          const out = spawnSync('redis-cli', ['-p', String(s.port), flag, path.join(dir, 'dump.rdb')], { encoding: 'latin1', timeout: 20000 });
          expect(out.stdout + out.stderr).toContain('Transfer finished with success');
          const loaded = await startShoal(['--dir', dir, '--dbfilename', 'dump.rdb']);
          const l = await RespConn.connect(loaded.port);
          expect(await l.call('DBSIZE')).toBe(keys);
          expect(await l.call('FCALL', 'func1', '0')).toBe(':123\r\n');
          l.close();
          await loaded.stop();
        }
      } finally {
        await s.stop();
      }
    });
  }
});
