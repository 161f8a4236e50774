/** The message store on its own: a deletion is final, even for a request that still holds the message. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { makeMessageId } from '../../../src/protocol/index.ts';
import { openLogStore } from '../../../src/sandbox/store/log-store.ts';
import type { StoredMessage } from '../../../src/sandbox/store/message.ts';

function delivered(): StoredMessage {
  const now = new Date();
  return {
    messageId: makeMessageId(now),
    messageType: 'DATA',
    sender: 'X26ABC1',
    recipient: 'X26ABC2',
    workflowId: 'MESH_ASSURE_TEST',
    fileName: 'f.dat',
    encrypted: false,
    compressed: false,
    totalChunks: 1,
    chunkSizes: [0],
    events: [{ status: 'accepted', timestamp: now.toISOString() }],
    createdAt: now.toISOString(),
    deliveredAt: now.toISOString(),
  };
}

test('a message saved once its deletion has begun stays deleted, in memory and in the log', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'message-store-'));
  try {
    const store = await openLogStore(dataDir);
    const message = delivered();
    await store.save(message);
    // An acknowledgement that fetched the message before the deletion, and saves it after it began.
    const deleting = store.delete([message.messageId]);
    message.events.unshift({ status: 'acknowledged', timestamp: new Date().toISOString() });
    await Promise.all([deleting, store.save(message)]);
    expect(store.get(message.messageId)).toBeUndefined();
    await store.close();
    const reopened = await openLogStore(dataDir);
    expect(reopened.get(message.messageId)).toBeUndefined();
    await reopened.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
