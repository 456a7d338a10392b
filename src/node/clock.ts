/**
 * The node's clock. The protocol is pure and takes times as arguments; the node reads them here, so that tests and
 * the demo can run time faster than real time — every node of a demo shares the same origin and speed, so they agree.
 */

export interface Clock {
  /** The current instant, in milliseconds since the epoch. */
  nowMs(): number;
  /** The current instant as a statement time (ISO 8601, milliseconds, UTC). */
  nowIso(): string;
  /** How many clock milliseconds pass per real millisecond (1 for the system clock). */
  readonly speed: number;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  nowIso: () => new Date().toISOString(),
  speed: 1,
};

/**
 * A clock that runs `speed` times faster than real time from `originMs` on (a real instant, shared by all the nodes
 * of a demo). Before the origin it reads real time.
 */
export function acceleratedClock(originMs: number, speed: number, realNow: () => number = Date.now): Clock {
  if (!Number.isFinite(speed) || speed < 1) throw new RangeError(`clock speed must be a number >= 1, not ${speed}`);
  const nowMs = (): number => {
    const real = realNow();
    return real <= originMs ? real : Math.floor(originMs + (real - originMs) * speed);
  };
  return { nowMs, nowIso: () => new Date(nowMs()).toISOString(), speed };
}

/** Real milliseconds until the clock reads `targetMs` (0 if it already has): for timers. */
export function realDelayUntil(clock: Clock, targetMs: number): number {
  return Math.max(0, Math.ceil((targetMs - clock.nowMs()) / clock.speed));
}
