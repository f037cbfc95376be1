// Wiring: config -> logging -> keyspace -> subsystems -> listeners.

import * as fs from 'node:fs';
import type * as net from 'node:net';
import { Config } from './config/store.js';
import { configureLog, log, setLogLevel } from './log.js';
import { startActiveExpire } from './keyspace/expire.js';
import { listen } from './server/listener.js';
import { initSlowlog } from './server/slowlog.js';
import { initLatency } from './server/latency.js';
import { initInfo } from './server/info.js';
import { initNotifications } from './keyspace/notify.js';
import { initHyperLogLog } from './commands/hyperloglog.js';
import { initBlocking } from './server/blocking.js';
import { initPubSub } from './server/pubsub.js';
import { initWatch } from './server/watch.js';
import { server } from './server/state.js';
import { initAcl } from './acl/users.js';
import { VERSION } from './version.js';

let listeners: net.Server[] = [];

export async function startServer(config: Config): Promise<void> {
  configureLog(config.get('loglevel'), config.get('logfile'));
  config.watch('loglevel', (v) => setLogLevel(v));
  const dir = config.get('dir');
  try {
    process.chdir(dir);
  } catch (err) {
    throw new Error(`Can't chdir to '${dir}': ${(err as Error).message}`);
  }
  config.watch('dir', (v) => {
    try {
      process.chdir(v);
    } catch (err) {
      return (err as Error).message;
    }
  });
  // Before listening: a signal that arrives right after the startup line must shut down cleanly.
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  server.init(config);
  initSlowlog();
  initLatency();
  initInfo();
  initNotifications();
  initHyperLogLog();
  initBlocking();
  initPubSub();
  initWatch();
  initAcl(config.get('aclfile'), config.get('user'));
  startActiveExpire();
  listeners = await listen(config.num('port'), config.get('bind'));
  const pidfile = config.get('pidfile');
  if (pidfile !== '') fs.writeFileSync(pidfile, `${process.pid}\n`);
  log.info(
    { version: VERSION, mode: 'standalone', port: server.port, bind: config.get('bind') },
    `Shoal ${VERSION} standalone, listening on port ${server.port}, pid ${process.pid}`,
  );
}

/** Stop accepting, close clients, exit. Saving on shutdown joins here with persistence. */
export function shutdown(reason: string, exitCode = 0): void {
  if (server.shuttingDown) return;
  server.shuttingDown = true;
  log.info({ reason }, 'shutting down');
  for (const l of listeners) l.close();
  for (const c of server.clients.values()) c.close();
  const pidfile = server.config.get('pidfile');
  if (pidfile !== '') fs.rmSync(pidfile, { force: true });
  log.info('Shoal is now ready to exit, bye bye...');
  process.exit(exitCode);
}
