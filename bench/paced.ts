/**
 * Open-loop load and latency figures for the latency benches. Open loop: the n-th request is fired at start + n/rate
 * whether or not earlier ones have finished, so a slow answer shows as latency (and queueing behind it) instead of
 * quietly lowering the rate, as a closed loop (send, wait, send) would.
 */

/** Fires `fire(i)` for i = 0 … rate·seconds − 1 at `rate` per second; resolves after the last one was fired. */
export async function firePaced(rate: number, seconds: number, fire: (i: number) => void): Promise<void> {
  const count = Math.round(rate * seconds);
  const periodMs = 1000 / rate;
  const start = performance.now();
  for (let i = 0; i < count; ) {
    const wait = start + i * periodMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // Late (a long task held the event loop): fire every slot that is due, as the clients of a real node would.
    while (i < count && start + i * periodMs <= performance.now()) fire(i++);
  }
}

/** Nanoseconds now, for intervals. */
export const nowNs = (): bigint => process.hrtime.bigint();

/** Milliseconds between two nowNs() readings. */
export const msBetween = (from: bigint, to: bigint): number => Number(to - from) / 1e6;

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Percentiles (nearest rank) of latencies in ms. */
export function summarize(latenciesMs: readonly number[]): LatencySummary {
  if (latenciesMs.length === 0) throw new Error('bench: no latency was measured');
  const sorted = [...latenciesMs].sort((x, y) => x - y);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1]! };
}

/** Resolves once `done()` holds, checking every `everyMs`; rejects after `timeoutMs`. */
export async function until(what: string, done: () => boolean, timeoutMs: number, everyMs = 20): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const ms = (v: number): string => (v < 10 ? v.toFixed(2) : v.toFixed(1));
