// Run inside a private network namespace (unshare -rn) by partition.test.ts: six Shoal nodes on
// 127.0.0.2-7 (port 7000, bus 17000), made a cluster by redis-cli; iptables then cuts one primary
// off from every other address. Prints one JSON line of observations; the test asserts on them.
// Usage: node partition-scenario.mjs <shoal-server bin> <work dir>
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

const [bin, work] = process.argv.slice(2);
const TIMEOUT = 1000;
const ips = [2, 3, 4, 5, 6, 7].map((x) => `127.0.0.${x}`);
const procs = [];

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** One command over a fresh connection from `from`; the reply's first line (bulk: its body). */
function call(ip, from, ...argv) {
  return new Promise((resolve) => {
    const s = net.connect({ host: ip, port: 7000, localAddress: from });
    let buf = '';
    const done = (v) => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(500, () => done('-TIMEOUT'));
    s.on('error', (e) => done(`-ERROR ${e.code}`));
    s.on('connect', () => s.write(argv.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).reduce((acc, x) => acc + x, `*${argv.length}\r\n`)));
    s.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf[0] !== '$') {
        if (buf.includes('\r\n')) done(buf.slice(0, buf.indexOf('\r\n')));
        return;
      }
      const nl = buf.indexOf('\r\n');
      const len = Number(buf.slice(1, nl));
      if (len < 0) done(null);
      else if (buf.length >= nl + 2 + len + 2) done(buf.slice(nl + 2, nl + 2 + len));
    });
  });
}

async function until(what, probe, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const stateOk = async (ip) => (((await call(ip, ip, 'CLUSTER', 'INFO')) ?? '').startsWith('cluster_state:ok') ? true : undefined);
const myLine = async (ip) => ((await call(ip, ip, 'CLUSTER', 'NODES')) ?? '').split('\n').find((l) => l.includes('myself'));

/** The slot map as a node sees it: "ip slots" for each primary serving slots, sorted. */
async function slotMap(ip) {
  const nodes = (await call(ip, ip, 'CLUSTER', 'NODES')) ?? '';
  return nodes.trim().split('\n').map((l) => l.split(' ')).filter((f) => f.length > 8 && f[2].includes('master') && !f[2].includes('fail'))
    .map((f) => `${f[1].split(':')[0]} ${f.slice(8).join(',')}`).sort().join(' | ');
}

const out = {};
try {
  sh('ip', ['link', 'set', 'lo', 'up']);
  for (const ip of ips) {
    const dir = path.join(work, ip);
    fs.mkdirSync(dir, { recursive: true });
    const p = spawn(process.execPath, [bin, '--port', '7000', '--bind', ip, '--dir', dir, '--save', '', '--cluster-enabled', 'yes',
      '--cluster-node-timeout', String(TIMEOUT)], { stdio: 'ignore' });
    procs.push(p);
  }
  for (const ip of ips) await until(`${ip} up`, async () => ((await call(ip, ip, 'PING')) === '+PONG' ? true : undefined));
  sh('redis-cli', ['--cluster', 'create', ...ips.map((ip) => `${ip}:7000`), '--cluster-replicas', '1', '--cluster-yes']);
  for (const ip of ips) await until(`${ip} ok`, () => stateOk(ip));

  // The primary of slot 0, one of its keys, and its replica.
  // Right after create, node 0 may not have heard yet who replicates whom: wait for both.
  const [victimIp, replicaIp] = await until('the primary of slot 0 and its replica', async () => {
    const lines = ((await call(ips[0], ips[0], 'CLUSTER', 'NODES')) ?? '').trim().split('\n').map((l) => l.split(' '));
    const victim = lines.find((f) => f.slice(8).some((r) => r.startsWith('0-') || r === '0'));
    const replica = victim && lines.find((f) => f[3] === victim[0]);
    return replica ? [victim[1].split(':')[0], replica[1].split(':')[0]] : undefined;
  });
  let key = 'k0';
  for (let i = 1; ((await call(victimIp, victimIp, 'SET', key, 'before')) ?? '').startsWith('-MOVED'); i++) key = `k${i}`;
  await until('replica has the key', async () => {
    await call(replicaIp, replicaIp, 'READONLY');
    return (await call(replicaIp, replicaIp, 'DBSIZE')) !== ':0' ? true : undefined;
  });

  const t0 = Date.now();
  sh('iptables', ['-A', 'INPUT', '-s', victimIp, '!', '-d', victimIp, '-j', 'DROP']);
  sh('iptables', ['-A', 'INPUT', '-d', victimIp, '!', '-s', victimIp, '-j', 'DROP']);
  await until('minority primary refuses writes', async () => ((await call(victimIp, victimIp, 'SET', key, 'cut-off')) === '-CLUSTERDOWN The cluster is down' ? true : undefined));
  out.minorityDownMs = Date.now() - t0;
  await until('replica promoted', async () => ((await myLine(replicaIp)) ?? '').includes('myself,master') ? true : undefined);
  out.promotedMs = Date.now() - t0;
  const majority = ips.filter((ip) => ip !== victimIp);
  for (const ip of majority) await until(`${ip} ok`, () => stateOk(ip));
  out.majorityWrite = await call(replicaIp, replicaIp, 'SET', key, 'after');

  sh('iptables', ['-F']);
  await until('old primary rejoins as a replica', async () => ((await myLine(victimIp)) ?? '').includes('myself,slave') ? true : undefined);
  await until('all nodes agree on the slot map', async () => {
    const maps = await Promise.all(ips.map(slotMap));
    return maps.every((m) => m === maps[0]) && maps[0].split(' | ').length === 3 ? true : undefined;
  });
  for (const ip of ips) await until(`${ip} ok after healing`, () => stateOk(ip));
  out.check = sh('redis-cli', ['--cluster', 'check', `${ips[1]}:7000`]).includes('[OK] All 16384 slots covered.');
  out.valueOnNewPrimary = await call(replicaIp, replicaIp, 'GET', key);
} catch (err) {
  out.error = String(err.message ?? err);
} finally {
  for (const p of procs) p.kill('SIGKILL');
}
console.log(JSON.stringify(out));
