/**
 * A small MESH product for observe's tests, built on our client: `send` sends a file and tracks it;
 * `receive` runs one receive cycle (poll every page, download, acknowledge). It validates its mailbox once
 * (remembered in --state). Each flag adds one misbehaviour assessors look for:
 *   --reuse-token       lists the inbox with one token made at start-up
 *   --handshake-burst   validates the mailbox four times whenever it starts
 *   --download-twice    downloads every message twice before acknowledging it
 *   --never-ack         never acknowledges
 *   --ignore-paging     reads only the first page of the inbox
 *   --skip-report       looks at each message first (HEAD) and leaves REPORTs alone
 * Settings come from the environment observe gives its commands (MESH_URL, MESH_MAILBOX_ID, ...).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { createAgent, MeshClient } from '../../../src/mesh/index.ts';
import { makeAuthToken, MEDIA_V2, type InboxBody } from '../../../src/protocol/index.ts';

const { positionals, values: flags } = parseArgs({
  allowPositionals: true,
  options: {
    state: { type: 'string' },
    to: { type: 'string' },
    workflow: { type: 'string' },
    file: { type: 'string' },
    'reuse-token': { type: 'boolean' },
    'handshake-burst': { type: 'boolean' },
    'download-twice': { type: 'boolean' },
    'never-ack': { type: 'boolean' },
    'ignore-paging': { type: 'boolean' },
    'skip-report': { type: 'boolean' },
  },
});

const env = (name: string): string => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();
const tls = {
  ...(process.env.MESH_CA_CERT ? { caCertPath: process.env.MESH_CA_CERT } : {}),
  ...(process.env.MESH_CLIENT_CERT ? { tls: { certPath: env('MESH_CLIENT_CERT'), keyPath: env('MESH_CLIENT_KEY') } } : {}),
};
const settings = { baseUrl: env('MESH_URL'), mailboxId: env('MESH_MAILBOX_ID'), password: env('MESH_MAILBOX_PASSWORD'), sharedKey: env('MESH_SHARED_KEY') };
const client = new MeshClient({ ...settings, ...tls });
const discard = () => new Writable({ write: (_piece, _enc, done) => done() });

async function validateMailbox(): Promise<void> {
  const stamp = join(flags.state!, 'validated');
  if (flags['handshake-burst']) {
    for (let i = 0; i < 4; i += 1) await client.handshake();
  } else if (!existsSync(stamp)) {
    await client.handshake();
    writeFileSync(stamp, new Date().toISOString());
  }
}

/** Every page of the inbox signed with one token made once: the bug --reuse-token shows. */
async function* pagesWithOneToken(): AsyncGenerator<InboxBody> {
  const agent = createAgent(tls);
  const authorization = makeAuthToken({ ...settings, nonce: 'b6a1f7e0-0c1d-4c55-9a43-5e3d2a9f0001', nonceCount: 0 });
  let path: string | undefined = `/messageexchange/${settings.mailboxId}/inbox`;
  while (path) {
    const res = await request(`${settings.baseUrl}${path}`, { dispatcher: agent, headers: { authorization, accept: MEDIA_V2 } });
    const page = (await res.body.json()) as InboxBody;
    yield page;
    path = page.links?.next;
  }
  await agent.close();
}

async function receive(): Promise<void> {
  const pages = flags['reuse-token'] ? pagesWithOneToken() : client.inboxPages();
  for await (const page of pages) {
    for (const id of page.messages) {
      if (flags['skip-report'] && (await client.head(id)).messageType === 'REPORT') continue;
      await client.downloadTo(id, discard());
      if (flags['download-twice']) await client.downloadTo(id, discard());
      if (!flags['never-ack']) await client.acknowledge(id);
    }
    if (flags['ignore-paging']) break;
  }
}

async function send(): Promise<void> {
  const { messageId } = await client.send({ to: flags.to!, workflowId: flags.workflow!, fileName: basename(flags.file!) }, readFileSync(flags.file!));
  await client.track(messageId);
}

if (!flags.state) throw new Error('usage: product.ts send|receive --state DIR [flags]');
try {
  await validateMailbox();
  if (positionals[0] === 'send') await send();
  else if (positionals[0] === 'receive') await receive();
  else throw new Error('usage: product.ts send|receive --state DIR [flags]');
} finally {
  await client.close();
}
