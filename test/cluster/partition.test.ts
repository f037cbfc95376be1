// A network partition in a private namespace (unshare -rn, loopback addresses 127.0.0.2-7 only):
// one primary is cut off with iptables. It must refuse writes once the node timeout passes, the
// majority must promote its replica, and after healing the old primary must follow the new one
// with every node agreeing on the slot map. The scenario runs in partition-scenario.mjs.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHOAL_BIN, requireRedis } from '../helpers/server.js';

const NODE_TIMEOUT = 1000;

function namespacesWork(): boolean {
  // A missing binary is a broken CI setup (.ci/run installs iptables); a kernel that refuses
  // private namespaces is a property of the machine, so that case only skips.
  const have = spawnSync('sh', ['-c', 'command -v unshare && command -v iptables'], { encoding: 'utf8' }).status === 0;
  if (!have && process.env.CI === 'true') throw new Error('unshare and iptables are required in CI (apt-get install util-linux iptables)');
  const ok = spawnSync('unshare', ['-rn', 'iptables', '-L'], { timeout: 5000 }).status === 0;
  if (!ok) console.warn('unshare -rn with iptables is not available here: skipping the partition test');
  return ok;
}

describe.skipIf(!requireRedis() || !namespacesWork())('network partition', () => {
  it('the cut-off primary stops writes; the majority fails over; healing converges', () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'shoal-partition-'));
    try {
      const r = spawnSync('unshare', ['-rn', process.execPath, path.join(__dirname, 'partition-scenario.mjs'), SHOAL_BIN, work], { encoding: 'utf8', timeout: 90000 });
      const line = r.stdout.trim().split('\n').pop() ?? '';
      const out = JSON.parse(line) as Record<string, unknown>;
      console.log(`partition: minority refused writes after ${out.minorityDownMs} ms, replica promoted after ${out.promotedMs} ms (node timeout ${NODE_TIMEOUT} ms)`);
      expect(out.error).toBeUndefined();
      // PFAIL after the node timeout plus the ping that timed out (sent up to half a timeout late).
      expect(out.minorityDownMs as number).toBeLessThan(NODE_TIMEOUT * 2 + 1000);
      expect(out.majorityWrite).toBe('+OK');
      expect(out.check).toBe(true);
      expect(out.valueOnNewPrimary).toBe('after');
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }, 100000);
});
