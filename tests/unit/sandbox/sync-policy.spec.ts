/** The message log's sync policy: inline while syncs are fast, the thread pool for a while once they are slow. */
import { expect, test } from '@playwright/test';
import { POOL_SYNCS, SAMPLES, SLOW_MS, STALL_MS, SyncPolicy } from '../../../src/sandbox/store/sync-policy.ts';

/** Runs `count` syncs through the policy, each taking `ms` when inline; returns how many ran inline. */
function run(policy: SyncPolicy, count: number, ms: number): number {
  let inline = 0;
  for (let i = 0; i < count; i++) {
    if (!policy.inline()) continue;
    inline++;
    policy.record(ms);
  }
  return inline;
}

test('fast syncs stay inline, and one long one among them does not switch the mode', () => {
  const policy = new SyncPolicy();
  expect(run(policy, 3 * SAMPLES, 0.2)).toBe(3 * SAMPLES);
  policy.record(50); // the zero-filled space growing: one long sync
  expect(run(policy, SAMPLES * 2, 0.2)).toBe(SAMPLES * 2);
});

test('slow syncs move to the thread pool for POOL_SYNCS, then inline is tried again', () => {
  const policy = new SyncPolicy();
  expect(run(policy, SAMPLES, SLOW_MS * 5)).toBe(SAMPLES);
  expect(run(policy, POOL_SYNCS, SLOW_MS * 5)).toBe(0);
  // Back inline to measure again; the disk is fast now, so it stays.
  expect(run(policy, 10 * SAMPLES, 0.2)).toBe(10 * SAMPLES);
});

test('a single sync that stalls the server moves the next ones to the thread pool at once', () => {
  const policy = new SyncPolicy();
  expect(run(policy, 3, 0.2)).toBe(3);
  policy.record(STALL_MS + 1);
  expect(run(policy, POOL_SYNCS, 0.2)).toBe(0);
  expect(run(policy, SAMPLES, 0.2)).toBe(SAMPLES);
});
