// Crash reports. Like Redis's bug report, a server that dies of a fatal signal (SIGABRT, DEBUG
// SEGFAULT) or of an exception nothing caught says so in its log first: one line naming the cause,
// then (crash-log-enabled) one record with the stack, INFO and the client list, so whoever reads the
// log learns why it died. Then it dies the way it would have without us.

import { clientInfo } from '../commands/connection.js';
import { log } from '../log.js';
import { VERSION } from '../version.js';
import { genInfo } from './info.js';
import { server } from './state.js';

const SIGNAL_NUMBERS: Record<string, number> = { SIGSEGV: 11, SIGABRT: 6 };

let reporting = false;

function report(cause: string, stack: string | undefined): void {
  if (reporting) return;
  reporting = true;
  const l = log.child({ subsystem: 'crash' });
  l.fatal(`Shoal ${VERSION} crashed by ${cause}`);
  if (!server.config.bool('crash-log-enabled')) return;
  // Whatever broke may break these too: the first line is out already.
  try {
    const clients: string[] = [];
    for (const c of server.clients.values()) clients.push(clientInfo(c, c, []));
    l.fatal({ stack, info: genInfo(['all']), clients }, 'Crash report: stack, INFO and CLIENT LIST');
  } catch (err) {
    l.fatal({ stack, err: String(err) }, 'Crash report incomplete');
  }
}

/** Log the crash report for `signal`, then end the process by that signal. */
export function crashBySignal(signal: 'SIGSEGV' | 'SIGABRT'): void {
  report(`signal: ${SIGNAL_NUMBERS[signal]} (${signal})`, new Error().stack);
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
}

/** A report before the process ends, on SIGABRT and on an exception nobody caught. */
export function installCrashReports(): void {
  process.on('SIGABRT', () => crashBySignal('SIGABRT'));
  process.on('uncaughtException', (err) => {
    report(`an uncaught exception: ${err.message}`, err.stack);
    process.exit(1);
  });
}
