import { expect, test } from '@playwright/test';
import { backoffDelay, DEFAULT_RETRY, isRetryableStatus } from '../../../src/mesh/index.ts';
import { RequestQueue } from '../../../src/mesh/request-queue.ts';

test('backoff doubles, is capped, jitters within half of the delay, and honours Retry-After', () => {
  const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };
  expect([1, 2, 3, 4, 5].map((a) => backoffDelay(policy, a, undefined, () => 1))).toEqual([100, 200, 400, 800, 1_000]);
  expect([1, 2, 3].map((a) => backoffDelay(policy, a, undefined, () => 0))).toEqual([50, 100, 200]);
  expect(backoffDelay(policy, 1, '0.5', () => 0)).toBe(50);
  expect(backoffDelay(policy, 1, '1', () => 0)).toBe(1_000);
  expect(backoffDelay(policy, 1, '60', () => 0)).toBe(1_000);
  expect(DEFAULT_RETRY.attempts).toBeGreaterThan(1);
  expect([429, 500, 502, 503].every(isRetryableStatus)).toBe(true);
  expect([400, 403, 404, 410, 417].some(isRetryableStatus)).toBe(false);
});

test('the request queue admits at most its limit and hands slots on in order', async () => {
  const queue = new RequestQueue(2);
  const order: string[] = [];
  const a = await queue.acquire();
  const b = await queue.acquire();
  const c = queue.acquire().then((release) => {
    order.push('c');
    return release;
  });
  const d = queue.acquire().then((release) => {
    order.push('d');
    return release;
  });
  await new Promise((r) => setTimeout(r, 10));
  expect(order).toEqual([]);
  a();
  a(); // a second release of the same slot must not free another
  (await c)();
  expect(order).toEqual(['c']);
  b();
  (await d)();
  expect(order).toEqual(['c', 'd']);
  expect(() => new RequestQueue(0)).toThrow(/>= 1/);
});
