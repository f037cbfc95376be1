// The pino root logger and one child per subsystem. `loglevel` and `logfile` map onto pino.

import pino from 'pino';

const LEVELS: Record<string, pino.LevelWithSilent> = {
  debug: 'trace',
  verbose: 'debug',
  notice: 'info',
  warning: 'warn',
  nothing: 'silent',
};

export let log: pino.Logger = pino({ base: { pid: process.pid }, level: 'info' });

/** Re-create the root logger for the configured level and file (synchronous writes: nothing lost on exit). */
export function configureLog(level: string, file: string): void {
  const dest = file === '' ? pino.destination({ dest: 1, sync: true }) : pino.destination({ dest: file, sync: true, mkdir: true });
  log = pino({ base: { pid: process.pid }, level: LEVELS[level] ?? 'info' }, dest);
}

export function setLogLevel(level: string): void {
  log.level = LEVELS[level] ?? 'info';
}

/** A child logger for one subsystem; resolved on each call so it follows configureLog. */
export function logger(subsystem: string): pino.Logger {
  return log.child({ subsystem });
}
