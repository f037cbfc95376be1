// Command timing with one clock read per command: a command's duration runs from the end of the
// previous one (or the start of the read event that brought it) to its own end. Entry points that
// run commands (a read event, serving blocked clients) refresh `last` first.

import { performance } from 'node:perf_hooks';

export const clock = { last: 0 };

export function refreshClock(): void {
  clock.last = performance.now();
}

/**
 * Read the clock, make it the new reference, and return the elapsed whole microseconds, as Redis's
 * ustime() differences are. Both ends are floored, so consecutive laps still add up to the time
 * they cover; and a whole number travels as a small integer where a fraction was a heap number per
 * command.
 */
export function lapMicros(start: number): number {
  const now = performance.now();
  clock.last = now;
  return Math.floor(now * 1000) - Math.floor(start * 1000);
}
