// Command timing with one clock read per command: a command's duration runs from the end of the
// previous one (or the start of the read event that brought it) to its own end. Entry points that
// run commands (a read event, serving blocked clients) refresh `last` first.

import { performance } from 'node:perf_hooks';

export const clock = { last: 0 };

export function refreshClock(): void {
  clock.last = performance.now();
}

/** Read the clock, make it the new reference, and return the elapsed microseconds. */
export function lapMicros(start: number): number {
  const now = performance.now();
  clock.last = now;
  return (now - start) * 1000;
}
