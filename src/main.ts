// Wiring: config -> logging -> keyspace -> subsystems -> listeners.

import * as fs from 'node:fs';
import { Config } from './config/store.js';
import { configureLog, log, setLogLevel } from './log.js';
import { startActiveExpire } from './keyspace/expire.js';
import { closeListeners, listen } from './server/listener.js';
import { initSlowlog } from './server/slowlog.js';
import { initLatency } from './server/latency.js';
import { initInfo } from './server/info.js';
import { initEviction } from './keyspace/evict.js';
import { initLazyfree } from './keyspace/lazyfree.js';
import { initNotifications } from './keyspace/notify.js';
import { initHyperLogLog } from './commands/hyperloglog.js';
import { initBlocking } from './server/blocking.js';
import { initPubSub } from './server/pubsub.js';
import { initOutputLimits } from './server/output-limits.js';
import { initWatch } from './server/watch.js';
import { initTracking } from './server/tracking.js';
import { server } from './server/state.js';
import { initAcl } from './acl/users.js';
import { loadAtStart } from './persistence/load.js';
import { registerTypeCodecs } from './persistence/codecs.js';
import { aofState, initAof, loadAofAtStart } from './persistence/aof.js';
import { saveOnShutdown, startSaveCron } from './persistence/save.js';
import { initPersistenceInfo } from './persistence/info.js';
import { initReplication, startReplicaLink } from './replication/index.js';
import { initCluster, startClusterBus, verifyClusterConfigWithData } from './cluster/node.js';
import { REDIS_VERSION, VERSION } from './version.js';
import { installCrashReports } from './server/crash.js';
import { initShutdown, signalShutdown, type ShutdownRequest } from './server/shutdown.js';
import { initOomScoreAdj } from './server/oom-score.js';
// The conf file's rename-command lines act on the command table (cli.ts hands this to loadConfig).
export { renameCommand } from './commands/registry.js';

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
  process.on('SIGTERM', () => shutdownOnSignal('SIGTERM', config.get('shutdown-on-sigterm')));
  process.on('SIGINT', () => shutdownOnSignal('SIGINT', config.get('shutdown-on-sigint')));
  initShutdown(finishShutdown);
  installCrashReports();
  server.init(config);
  initOomScoreAdj();
  initEviction();
  initSlowlog();
  initLatency();
  initInfo();
  initLazyfree();
  initNotifications();
  initHyperLogLog();
  initBlocking();
  initPubSub();
  initOutputLimits();
  initWatch();
  initTracking();
  initAcl(config.get('aclfile'), config.get('user'));
  startActiveExpire();
  registerTypeCodecs();
  initReplication();
  initCluster();
  // The dataset (AOF or RDB) loads in slices while the listener accepts connections (clients get
  // -LOADING); the AOF opens for appending once it is in.
  const loaded = config.bool('appendonly') ? loadAofAtStart() : loadAtStart();
  loaded.catch(() => {}); // awaited below; a failure meanwhile must not count as unhandled
  startSaveCron();
  initPersistenceInfo();
  // Like Redis, port 0 means no TCP listener; with no unixsocket either there is nothing to serve.
  if (await listen() === 0) {
    log.warn('Configured to not listen anywhere, exiting.');
    process.exit(1);
  }
  announce(config);
  const pidfile = config.get('pidfile');
  if (pidfile !== '') fs.writeFileSync(pidfile, `${process.pid}\n`);
  await loaded;
  verifyClusterConfigWithData();
  initAof();
  startReplicaLink();
  await startClusterBus();
  const mode = serverMode(config);
  log.info(
    { version: VERSION, mode, port: server.port, bind: config.get('bind') },
    `Shoal ${VERSION} ${mode}, listening on port ${server.port}, pid ${process.pid}`,
  );
}

function serverMode(config: Config): string {
  return config.bool('cluster-enabled') ? 'cluster' : 'standalone';
}

/**
 * Once the listeners are open, before the dataset loads (as Redis shows its logo): with
 * always-show-logo, or a terminal on stdout, a banner with "PID: n", which Redis's test harness
 * waits for as the sign that the server listens; otherwise Redis's one-line note.
 */
function announce(config: Config): void {
  const mode = serverMode(config);
  if (config.bool('always-show-logo') || (config.get('logfile') === '' && process.stdout.isTTY)) {
    log.info(`Shoal ${VERSION} (Redis ${REDIS_VERSION} compatible) 64 bit\n  Running in ${mode} mode\n  Port: ${server.port}\n  PID: ${process.pid}`);
  } else {
    log.info(`Running mode=${mode}, port=${server.port}.`);
  }
}

/** shutdown-on-sigterm / shutdown-on-sigint: words among default, save, nosave, now, force. */
function shutdownOnSignal(signal: string, how: string): void {
  const words = how.split(' ');
  const saveMode = words.includes('nosave') ? 'nosave' : words.includes('save') ? 'save' : 'default';
  signalShutdown({ reason: signal, saveMode, now: words.includes('now'), force: words.includes('force') }, removeTempRdb);
}

/** The file a synchronous save writes before its rename (the working directory is `dir`). */
function removeTempRdb(): void {
  fs.rmSync(`temp-${process.pid}.rdb`, { force: true });
}

/**
 * The last steps of a shutdown (see server/shutdown.ts for the wait before them): save if due,
 * stop accepting, close clients, exit. Returns false, and keeps serving, when the final save
 * failed, unless FORCE.
 */
function finishShutdown(req: ShutdownRequest): boolean {
  if (server.shuttingDown) return true;
  // AOF turned on at run time and not written yet: exiting now would lose the dataset.
  if (aofState.waitRewrite) {
    if (!req.force) {
      log.warn("Writing initial AOF, can't exit.");
      return false;
    }
    log.warn('Writing initial AOF. Exit anyway.');
  }
  if (!saveOnShutdown(req.saveMode) && !req.force) return false;
  server.shuttingDown = true;
  closeListeners();
  for (const c of server.clients.values()) c.close();
  const pidfile = server.config.get('pidfile');
  if (pidfile !== '') fs.rmSync(pidfile, { force: true });
  log.info('Shoal is now ready to exit, bye bye...');
  process.exit(0);
}
