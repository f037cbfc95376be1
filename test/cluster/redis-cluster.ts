// Debian's redis-server in cluster mode for interop tests: a free client port and a free bus port
// (the default port+10000 can overflow for high ephemeral ports), nodes.conf in the server's dir.
import { freePort, retryOnPortClash, startRedis, type RunningServer } from '../helpers/server.js';

export interface ClusterRedis extends RunningServer {
  cport: number;
}

export async function startClusterRedis(args: string[] = []): Promise<ClusterRedis> {
  return retryOnPortClash(async () => {
    const cport = await freePort();
    const s = await startRedis(['--cluster-enabled', 'yes', '--cluster-port', String(cport), '--cluster-config-file', 'nodes.conf', ...args]);
    return Object.assign(s, { cport });
  });
}
