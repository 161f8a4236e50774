import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startSandbox } from '../../../src/sandbox/index.ts';
import { Journal, tokensJournalledSince, type JournalEntry } from '../../../src/sandbox/journal.ts';
import { call, PEER, send, SUT, test as sandboxTest, tokenFor, WORKFLOW } from './helpers.ts';

const entry = (path: string, time: string): JournalEntry => ({
  time,
  method: 'GET',
  path,
  status: 200,
  durationMs: 1,
  headers: {},
  bytesIn: 0,
  bytesOut: 0,
});

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

test('memory keeps the most recent entries up to its capacity; journal.jsonl keeps every one', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'journal-'));
  try {
    const journal = new Journal(dir, 10);
    const slow = journal.reserve(); // in flight while 20 more requests come and go
    for (let i = 0; i < 20; i++)
      journal.fill(journal.reserve(), entry(`/r${i}`, `2026-11-24T12:00:${String(i).padStart(2, '0')}.000Z`));
    journal.fill(slow, entry('/slow', '2026-11-24T11:59:59.000Z'));
    expect(journal.entries().map((e) => e.path)).toEqual(Array.from({ length: 10 }, (_, i) => `/r${i + 10}`));
    expect(journal.dropped).toBe(11);
    expect(journal.entries({ since: new Date('2026-11-24T12:00:15.000Z') }).map((e) => e.path)).toEqual([
      '/r15',
      '/r16',
      '/r17',
      '/r18',
      '/r19',
    ]);
    await journal.close();
    const onDisk = (await readFile(join(dir, 'journal.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as JournalEntry).path);
    expect(onDisk).toHaveLength(21);
    expect(onDisk.at(-1)).toBe('/slow');
    await expect(startSandbox({ dataDir: join(dir, 'sandbox'), journalMemoryEntries: 0 })).rejects.toThrow(
      'journalMemoryEntries must be at least 1 (or Infinity), not 0',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the tokens of the last hours are read back from the end of journal.jsonl, past blocks and a torn last line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'journal-'));
  try {
    const start = Date.parse('2026-11-24T08:00:00.000Z');
    // Four hours, one request every 2.4 s (6,000 lines, about 2 MB: several blocks read backwards).
    // One line, with a 600 KB path, is longer than two blocks.
    const path = (i: number) => (i === 5500 ? `/${'x'.repeat(600_000)}` : `/r${i}`);
    const lines = Array.from({ length: 6000 }, (_, i) =>
      JSON.stringify({
        ...entry(path(i), new Date(start + i * 2400).toISOString()),
        mailbox: 'X26ABC1',
        token: { nonce: `n${i}`, nonceCount: '0', timestamp: '202611240800' },
      }),
    );
    await writeFile(join(dir, 'journal.jsonl'), `${lines.join('\n')}\n{"time":"2026-11-24T12:00:00.000Z","tok`);
    const since = start + 3000 * 2400; // the last two hours
    const tokens = tokensJournalledSince(dir, since);
    expect(tokens).toHaveLength(3000);
    expect(tokens[0]).toEqual({ mailboxId: 'X26ABC1', nonce: 'n3000', nonceCount: '0', arrivedMs: since });
    expect(tokens.at(-1)?.nonce).toBe('n5999');
    expect(tokens.map((t) => t.nonce)).toContain('n5500');
    expect(tokensJournalledSince(join(dir, 'none'), since)).toEqual([]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

sandboxTest('a send cut off half-way through its body is journalled all the same', async ({ sandbox }) => {
  const { port } = sandbox;
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  // A declared 1000-byte body of which 10 arrive, then the client goes away.
  socket.write(
    `POST /messageexchange/${SUT}/outbox HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${tokenFor(sandbox, SUT)}\r\n` +
      `mex-to: ${PEER}\r\nmex-workflowid: ${WORKFLOW}\r\nContent-Length: 1000\r\n\r\n0123456789`,
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  socket.destroy();
  await expect
    .poll(() =>
      sandbox.journal
        .entries()
        .filter((e) => e.method === 'POST')
        .map((e) => [e.path, e.mailbox, e.bytesIn]),
    )
    .toEqual([[`/messageexchange/${SUT}/outbox`, SUT, 0]]);
});

sandboxTest('a request is in the journal by the time its client has the answer', async ({ sandbox }) => {
  for (let i = 0; i < 20; i++) {
    const id = await send(sandbox, SUT, PEER, `message ${i}`);
    // An acknowledgement answers from the log's write at the end of a loop turn: the latest point to journal it.
    const ack = `/messageexchange/${PEER}/inbox/${id}/status/acknowledged`;
    expect((await call(sandbox, ack, { method: 'PUT', as: PEER })).status).toBe(200);
    expect(sandbox.journal.entries().at(-1)?.path).toBe(ack);
  }
});
