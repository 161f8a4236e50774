/** The memory of seen tokens: a token stays remembered for at least two hours, and old ones are let go. */
import { expect, test } from '@playwright/test';
import { TokenMemory } from '../../../src/sandbox/auth.ts';

const HOUR = 60 * 60 * 1000;
const token = (nonce: string) => ({
  mailboxId: 'X26ABC1',
  nonce,
  nonceCount: '0',
  timestamp: '202611241200',
  hmac: '0'.repeat(64),
});

test('a token is a reuse at any time in the two hours after it was seen, whichever generation holds it', () => {
  const memory = new TokenMemory();
  const start = Date.UTC(2026, 10, 24, 12);
  expect(memory.seenBefore(token('early'), start)).toBe(false);
  expect(memory.seenBefore(token('late'), start + 2 * HOUR - 1)).toBe(false); // the last moment of the first generation
  expect(memory.seenBefore({ ...token('early'), nonceCount: '1' }, start + 2 * HOUR - 1)).toBe(false); // another count is another token
  expect(memory.seenBefore({ ...token('early'), mailboxId: 'X26ABC2' }, start + 2 * HOUR - 1)).toBe(false); // and another mailbox
  // Into the second generation: both are still remembered, the late one for two hours after it was seen.
  expect(memory.seenBefore(token('early'), start + 2 * HOUR)).toBe(true);
  expect(memory.seenBefore(token('late'), start + 4 * HOUR - 2)).toBe(true);
});

test('tokens from two generations back are forgotten, and a jump of the clock forgets everything at once', () => {
  const memory = new TokenMemory();
  const start = Date.UTC(2026, 10, 24, 12);
  memory.seenBefore(token('old'), start);
  memory.seenBefore(token('newer'), start + 2 * HOUR); // a second generation starts
  memory.seenBefore(token('newest'), start + 4 * HOUR); // a third: the first is dropped
  expect(memory.seenBefore(token('old'), start + 4 * HOUR + 1)).toBe(false);
  expect(memory.seenBefore(token('newer'), start + 4 * HOUR + 2)).toBe(true);
  // Five days later (an advanced clock): nothing from before is held any more.
  const later = start + 5 * 24 * HOUR;
  expect(memory.seenBefore(token('newest'), later)).toBe(false);
  expect(memory.seenBefore(token('newest'), later + 1)).toBe(true);
});
