/**
 * The sandbox's clock: a base clock (real time unless a test supplies one) plus an offset that the admin
 * API moves forward, so five days of MESH expiry can pass in a second.
 */
export interface SandboxClock {
  now(): Date;
  advance(ms: number): void;
  /** How far the clock has been moved ahead of its base, in milliseconds. */
  offsetMs(): number;
}

export function createClock(
  base?: () => Date,
  initialOffsetMs = 0,
  onAdvance?: (offsetMs: number) => void,
): SandboxClock {
  let offset = initialOffsetMs;
  // Real time is read as a number: a Date for the base and another for the result cost twice the allocations.
  const baseMs = base ? () => base().getTime() : Date.now;
  return {
    now: () => new Date(baseMs() + offset),
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0)
        throw new RangeError(`the clock only moves forward: cannot advance by ${ms} ms`);
      offset += ms;
      onAdvance?.(offset);
    },
    offsetMs: () => offset,
  };
}
