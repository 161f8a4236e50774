/** The interactive board: the next thing to do in the product, then a tick once the journal shows it. */
import { Writable } from 'node:stream';
import { expect, test } from '@playwright/test';
import { toRequestRecords } from '../../../src/behaviour/index.ts';
import { sessionSteps, StepBoard, type SessionState } from '../../../src/observe/progress.ts';

function terminal(): { stream: Writable & { isTTY: boolean }; text: () => string } {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write: (piece, _enc, done) => {
        text += String(piece);
        done();
      },
    }),
    { isTTY: true },
  );
  return { stream, text: () => text };
}

const steps = sessionSteps({ product: 'X26ABC1', counterpart: 'X26ABC2', workflowId: 'WF', file: '/tmp/f.txt' });
const request = (method: string, path: string, status = 200) => ({ method, path, status, headers: {} });

test('prompts the operator for each step and ticks it as the journal shows it done', () => {
  const { stream, text } = terminal();
  const board = new StepBoard(stream, steps, true);
  const state: SessionState = {
    deliveries: [
      { kind: 'plain', messageId: 'A', chunks: 1 },
      { kind: 'paging', messageId: 'P1', chunks: 1 },
      { kind: 'paging', messageId: 'P2', chunks: 1 },
    ],
    reportIds: [],
    receivedFromProduct: 0,
  };
  board.update([], state, 'send');
  expect(text()).toContain(
    '→ Configure the product with the settings above and let it validate its mailbox X26ABC1 (handshake).',
  );
  expect(text()).toContain('→ In the product, send the file /tmp/f.txt to X26ABC2 on workflow WF.');
  expect(text()).not.toContain('✓');

  const journal = [
    request('POST', '/messageexchange/X26ABC1'),
    request('PUT', '/messageexchange/X26ABC1/inbox/A/status/acknowledged'),
    request('PUT', '/messageexchange/X26ABC1/inbox/P1/status/acknowledged'),
  ];
  state.receivedFromProduct = 1;
  const done = board.update(toRequestRecords(journal), state, 'plain');
  expect(done).toBe(false);
  expect(text()).toContain('✓ X26ABC1 validated its mailbox');
  expect(text()).toContain('✓ a message from the product reached X26ABC2');
  expect(text()).toContain('✓ plain message downloaded and acknowledged');
  expect(text()).toContain('… messages past the first page of 500 downloaded and acknowledged: 1/2');
  expect(text()).toContain('→ In the product, receive: download and acknowledge every message waiting for X26ABC1');
  expect(board.open()).toContain('non-delivery REPORT downloaded and acknowledged');
});

test('unattended, it only ticks', () => {
  const { stream, text } = terminal();
  new StepBoard(stream, steps, false).update(
    toRequestRecords([request('GET', '/messageexchange/X26ABC1')]),
    { deliveries: [], reportIds: [], receivedFromProduct: 0 },
    'send',
  );
  expect(text()).toBe('  ✓ X26ABC1 validated its mailbox\n');
});
