import { expect, test } from '@playwright/test';
import { Journal, type JournalEntry } from '../../../src/sandbox/journal.ts';

const entry = (path: string, time: string): JournalEntry => ({ time, method: 'GET', path, status: 200, durationMs: 1, headers: {}, bytesIn: 0, bytesOut: 0 });

test('the journal reads in arrival order even when responses finish out of order', async () => {
  const journal = new Journal(undefined);
  const download = journal.reserve(); // a large download arrives first...
  const ack = journal.reserve(); // ...its acknowledgement arrives after the client read the whole body
  const inFlight = journal.reserve();
  journal.fill(ack, entry('/inbox/M/status/acknowledged', '2026-11-24T12:00:00.020Z')); // but finishes first
  expect(journal.entries().map((e) => e.path)).toEqual(['/inbox/M/status/acknowledged']);
  journal.fill(download, entry('/inbox/M', '2026-11-24T12:00:00.010Z'));
  expect(journal.entries().map((e) => e.path)).toEqual(['/inbox/M', '/inbox/M/status/acknowledged']);
  void inFlight; // a request still in flight is not listed until it finishes
  expect(journal.entries()).toHaveLength(2);
  await journal.close();
});
