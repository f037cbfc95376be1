// Polling until a condition holds, for tests that wait on another process (a replica catching up,
// a cluster agreeing). One copy for every test file.

/**
 * Call `probe` until it returns something other than undefined or false, and return that; throw
 * naming `what` once `timeoutMs` has passed.
 */
export async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15000,
  intervalMs = 50,
): Promise<Exclude<T, undefined | false>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v as Exclude<T, undefined | false>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
