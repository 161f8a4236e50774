/** Capped exponential backoff with jitter, for the requests that are safe to repeat. */

export interface RetryPolicy {
  /** Total tries including the first. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 15_000 };

/** Statuses that mean "try again later": any 5xx and 429. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * Delay before try number `attempt + 1` (attempt counts from 1): base * 2^(attempt-1), capped, with
 * "equal jitter" (half fixed, half random) so that clients retrying together spread out. A server's
 * Retry-After (seconds) wins when it is longer, still capped.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, retryAfter?: string, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = exp / 2 + (random() * exp) / 2;
  const serverSays = retryAfter !== undefined && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : 0;
  return Math.min(policy.maxDelayMs, Math.max(jittered, serverSays));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
