/** Polling until something holds, with a deadline and a message that says what never happened. */

export class WaitTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`gave up waiting for ${what} after ${(ms / 1000).toFixed(1)} s`);
    this.name = 'WaitTimeoutError';
  }
}

/** Calls `check` every `intervalMs` (real time) until it returns true; throws WaitTimeoutError after `timeoutMs`. */
export async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>, intervalMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new WaitTimeoutError(what, timeoutMs);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
