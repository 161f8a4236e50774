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
 *   --poll-often        checks its inbox twice more at the end of each cycle, at once
 *   --bare-handshake    validates without the mex-* headers, and carries on after the sandbox's 400
 *   --accept-v1         tracks its sent message with Accept: application/vnd.mesh.v1+json
 *   --no-gzip           downloads without Accept-Encoding: gzip
 *   --chunk-one-only    fetches only chunk 1 of a chunked message, then acknowledges it
 * Settings come from the environment observe gives its commands (MESH_URL, MESH_MAILBOX_ID, ...).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { createAgent, MeshClient } from '../../../src/mesh/index.ts';
import { makeAuthToken, MEDIA_V1, MEDIA_V2, type InboxBody } from '../../../src/protocol/index.ts';

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
    'poll-often': { type: 'boolean' },
    'bare-handshake': { type: 'boolean' },
    'accept-v1': { type: 'boolean' },
    'no-gzip': { type: 'boolean' },
    'chunk-one-only': { type: 'boolean' },
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

/** A request made by hand, for what our client would never send; a fresh token unless one is given. */
async function rawRequest(path: string, options: { method?: 'GET' | 'POST'; accept?: string; authorization?: string } = {}): Promise<unknown> {
  const agent = createAgent(tls);
  try {
    const authorization = options.authorization ?? makeAuthToken(settings);
    const res = await request(`${settings.baseUrl}${path}`, { dispatcher: agent, method: options.method ?? 'GET', headers: { authorization, accept: options.accept ?? MEDIA_V2 } });
    const text = await res.body.text();
    return res.statusCode < 300 ? JSON.parse(text || 'null') : undefined;
  } finally {
    await agent.close();
  }
}

async function validateMailbox(): Promise<void> {
  const stamp = join(flags.state!, 'validated');
  if (flags['handshake-burst']) {
    for (let i = 0; i < 4; i += 1) await client.handshake();
  } else if (!existsSync(stamp)) {
    // Without mex-ClientVersion, mex-OSName and mex-OSVersion the sandbox answers 400; this product shrugs.
    if (flags['bare-handshake']) await rawRequest(`/messageexchange/${settings.mailboxId}`, { method: 'POST' });
    else await client.handshake();
    writeFileSync(stamp, new Date().toISOString());
  }
}

/** Every page of the inbox signed with one token made once: the bug --reuse-token shows. */
async function* pagesWithOneToken(): AsyncGenerator<InboxBody> {
  const authorization = makeAuthToken({ ...settings, nonce: 'b6a1f7e0-0c1d-4c55-9a43-5e3d2a9f0001', nonceCount: 0 });
  let path: string | undefined = `/messageexchange/${settings.mailboxId}/inbox`;
  while (path) {
    const page = (await rawRequest(path, { authorization })) as InboxBody;
    yield page;
    path = page.links?.next;
  }
}

/** Downloads a message whole, or with --chunk-one-only only the first chunk of a chunked one. */
async function download(id: string): Promise<void> {
  const options = { acceptGzip: !flags['no-gzip'] };
  if (flags['chunk-one-only'] && (await client.head(id)).chunk.total > 1) {
    await pipeline((await client.downloadChunk(id, 1, options)).body, discard());
  } else await client.downloadTo(id, discard(), options);
}

async function receive(): Promise<void> {
  const pages = flags['reuse-token'] ? pagesWithOneToken() : client.inboxPages();
  for await (const page of pages) {
    for (const id of page.messages) {
      if (flags['skip-report'] && (await client.head(id)).messageType === 'REPORT') continue;
      await download(id);
      if (flags['download-twice']) await download(id);
      if (!flags['never-ack']) await client.acknowledge(id);
    }
    if (flags['ignore-paging']) break;
  }
  if (flags['poll-often']) for (let i = 0; i < 2; i += 1) await client.listInbox();
}

async function send(): Promise<void> {
  const { messageId } = await client.send({ to: flags.to!, workflowId: flags.workflow!, fileName: basename(flags.file!) }, readFileSync(flags.file!));
  if (flags['accept-v1']) await rawRequest(`/messageexchange/${settings.mailboxId}/outbox/tracking?${new URLSearchParams({ messageID: messageId })}`, { accept: MEDIA_V1 });
  else await client.track(messageId);
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
