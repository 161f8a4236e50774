/**
 * The retry layer: capped exponential backoff with jitter around one attempt, for the requests that are
 * safe to repeat. It knows nothing of HTTP beyond the status and Retry-After a MeshError carries.
 */
import { MeshConnectionError, MeshError } from './errors.ts';

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
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  retryAfter?: string,
  random: () => number = Math.random,
): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = exp / 2 + (random() * exp) / 2;
  const serverSays = retryAfter !== undefined && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : 0;
  return Math.min(policy.maxDelayMs, Math.max(jittered, serverSays));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a failed attempt may be repeated: no answer at all, or a 429/5xx answer. */
function isTransient(error: unknown): error is MeshConnectionError | MeshError {
  return error instanceof MeshConnectionError || (error instanceof MeshError && isRetryableStatus(error.status));
}

/**
 * Runs `attempt` (given its number, from 1) until it succeeds, fails for good, or the policy's tries are
 * spent. With `repeatable` false it runs once: a request whose repetition could do something twice.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  repeatable: boolean,
  attempt: (n: number) => Promise<T>,
): Promise<T> {
  for (let n = 1; ; n += 1) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!repeatable || n >= policy.attempts || !isTransient(error)) throw error;
      await sleep(backoffDelay(policy, n, error instanceof MeshError ? error.retryAfter : undefined));
    }
  }
}
