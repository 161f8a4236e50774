/**
 * The pack on a shared environment leaves other people's messages alone. A sandbox plays INT: its inboxes
 * are seeded with messages the run did not create, the whole pack runs against it as a URL target with the
 * mailboxes and certificates a user would configure, and afterwards every seeded message is still waiting,
 * never downloaded nor acknowledged according to the server's own journal.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { specsOf } from '../../../src/pack/results.ts';
import { runWitnessPack } from '../../../src/pack/runner.ts';
import { packEnvironment, sandboxAsUrlTarget } from '../../support/pack-environment.ts';
import { startHarness, type Harness } from '../mesh/helpers.ts';

const SUT = 'X26ABC1';
const PEER = 'X26ABC2';
const DORMANT = 'X26ABC3';
const WORKFLOW = 'MESH_ASSURE_TEST';
const SEEDED_PER_INBOX = 3;

test.describe.configure({ timeout: 240_000 });

let harness: Harness;
let work: string;

test.beforeAll(async () => {
  work = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'mesh-assure-int-proof-'));
  harness = await startHarness({ dataDir: join(work, 'sandbox') });
});

test.afterAll(async () => {
  await harness?.close();
  rmSync(work, { recursive: true, force: true });
});

test('a run in INT mode acknowledges only the messages it created', async () => {
  const { sandbox } = harness;
  const seeder = harness.client(DORMANT).client;
  await seeder.handshake();
  const seeded: Record<string, string[]> = { [SUT]: [], [PEER]: [] };
  for (const to of [SUT, PEER]) {
    for (let i = 0; i < SEEDED_PER_INBOX; i += 1) {
      seeded[to]!.push(
        (await seeder.send({ to, workflowId: WORKFLOW, localId: `not-the-pack-${i}` }, `someone else's message ${i}`))
          .messageId,
      );
    }
  }

  const run = await runWitnessPack({
    reportsRoot: join(work, 'reports'),
    output: 'capture',
    env: packEnvironment({
      ...sandboxAsUrlTarget(sandbox),
      MESH_LARGE_MESSAGE_MB: '3',
      MESH_DELIVERY_TIMEOUT_S: '20',
    }),
  });
  expect(run.exitCode, run.output.split('\n').slice(-60).join('\n')).toBe(0);

  // What the run reported: everything passed except 703, which waits five real days and says so.
  const outcome = Object.fromEntries(
    specsOf(run.report).map((s) => [s.title.split(' ')[0], s.tests[0]!.results.at(-1)!.status]),
  );
  expect(outcome).toMatchObject({
    Validate: 'passed',
    '201': 'passed',
    '601': 'passed',
    '701': 'passed',
    '703': 'skipped',
    '705': 'passed',
  });
  const pending = specsOf(run.report).find((s) => s.title.startsWith('703'))!.tests[0]!.annotations;
  expect(pending).toContainEqual({ type: 'pending', description: expect.stringMatching(/due \d{4}-\d\d-\d\dT/) });

  // Every seeded message is still waiting, and the server never saw it downloaded or acknowledged.
  for (const [mailbox, ids] of Object.entries(seeded)) {
    const { client } = harness.client(mailbox);
    const waiting: string[] = [];
    for await (const id of client.inboxMessageIds()) waiting.push(id);
    expect(waiting, `${mailbox} inbox`).toEqual(expect.arrayContaining(ids));
  }
  const acknowledgements = sandbox.journal
    .entries()
    .filter((e) => e.method === 'PUT' && e.path.endsWith('/status/acknowledged'));
  expect(acknowledgements.length, 'the pack acknowledged its own messages').toBeGreaterThan(600);
  const allSeeded = Object.values(seeded).flat();
  const touched = sandbox.journal.entries().filter((e) => allSeeded.some((id) => e.path.includes(`/inbox/${id}`)));
  expect(touched.map((e) => `${e.method} ${e.path}`)).toEqual([]);
});
