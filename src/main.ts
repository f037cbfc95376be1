// Wiring: config -> logging -> keyspace -> subsystems -> listeners.

import * as fs from 'node:fs';
import type * as net from 'node:net';
import { Config } from './config/store.js';
import { configureLog, log, setLogLevel } from './log.js';
import { startActiveExpire } from './keyspace/expire.js';
import { listen } from './server/listener.js';
import { initSlowlog } from './server/slowlog.js';
import { initNotifications } from './keyspace/notify.js';
import { initHyperLogLog } from './commands/hyperloglog.js';
import { initBlocking } from './server/blocking.js';
import { initPubSub } from './server/pubsub.js';
import { initWatch } from './server/watch.js';
import { server } from './server/state.js';
import { loadAtStart } from './persistence/load.js';
import { initAof, loadAofAtStart } from './persistence/aof.js';
import { saveOnShutdown, startSaveCron } from './persistence/save.js';
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
  server.init(config);
  initSlowlog();
  initNotifications();
  initHyperLogLog();
  initBlocking();
  initPubSub();
  initWatch();
  startActiveExpire();
  // Loading is synchronous and precedes listening: no client ever sees a partial dataset.
  if (config.bool('appendonly')) loadAofAtStart();
  else loadAtStart();
  initAof();
  startSaveCron();
  listeners = await listen(config.num('port'), config.get('bind'));
  const pidfile = config.get('pidfile');
  if (pidfile !== '') fs.writeFileSync(pidfile, `${process.pid}\n`);
  log.info(
    { version: VERSION, mode: 'standalone', port: server.port, bind: config.get('bind') },
    `Shoal ${VERSION} standalone, listening on port ${server.port}, pid ${process.pid}`,
  );
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/**
 * Save if due (`saveMode` as SHUTDOWN SAVE/NOSAVE), stop accepting, close clients, exit. Returns
 * false, and keeps serving, when the final save failed (SHUTDOWN then replies with an error).
 */
export function shutdown(reason: string, exitCode = 0, saveMode: 'default' | 'save' | 'nosave' = 'default'): boolean {
  if (server.shuttingDown) return true;
  log.info({ reason }, 'shutting down');
  if (!saveOnShutdown(saveMode)) {
    log.warn({ reason }, `${reason} received but errors trying to shut down the server, check the logs for more information`);
    return false;
  }
  server.shuttingDown = true;
  for (const l of listeners) l.close();
  for (const c of server.clients.values()) c.close();
  const pidfile = server.config.get('pidfile');
  if (pidfile !== '') fs.rmSync(pidfile, { force: true });
  log.info('Shoal is now ready to exit, bye bye...');
  process.exit(exitCode);
}
