/**
 * How long to wait before retrying a peer that failed: exponential, so that a peer that is down for a day is not
 * hammered, with jitter, so that the parties of a regional agreement do not all retry the same peer in step.
 */
export const BACKOFF_BASE_MS = 250;
export const BACKOFF_MAX_MS = 60_000;

/**
 * The delay before attempt `attempts + 1`, after `attempts` (≥ 1) consecutive failures: uniformly random in the upper
 * half of min(max, base · 2^(attempts-1)) ("equal jitter": never zero, never above the cap).
 */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempts, 1) - 1, 30);
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
