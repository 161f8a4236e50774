/**
 * A small MESH product for the tests, built on our client as a library: what a supplier's software looks
 * like to the witness pack in product mode (and so to observe). Its own process, its own state file (when it
 * last validated its mailbox, in --state DIR/state.json). Commands:
 *   send --to M --workflow W --file F [--gzip] [--subject S] [--local-id L]   prints the message id last
 *   receive [--dir D]    one receive cycle: every page of the inbox, each message downloaded (into D) and acknowledged
 *   download --id I --dir D
 * It exits non-zero when MESH refuses a request. Each flag adds one misbehaviour assessors look for:
 *   --handshake-per-call   validates the mailbox every time it runs
 *   --re-download          downloads every message twice before acknowledging it
 *   --no-ack               never acknowledges
 *   --ignore-417           treats a send refused with 417 as sent (exits 0)
 *   --retry-403-forever    retries a request refused with 403 until stopped
 *   --skip-paging          reads only the first page of the inbox
 *   --quiet-id             does not print the message id it sent (the pack finds it by content)
 *   --chunk-bytes N        chunk size for large sends (default 20 MiB)
 * and for the product rules judged from the journal (tests/unit/observe):
 *   --reuse-token       lists the inbox with one token made at start-up
 *   --handshake-burst   validates the mailbox four times whenever it starts
 *   --skip-report       looks at each message first (HEAD) and leaves REPORTs alone
 *   --poll-often        checks its inbox twice more at the end of each cycle, at once
 *   --bare-handshake    validates without the mex-* headers, and carries on after the sandbox's 400
 *   --accept-v1         tracks its sent message with Accept: application/vnd.mesh.v1+json
 *   --no-gzip           downloads without Accept-Encoding: gzip
 *   --chunk-one-only    fetches only chunk 1 of a chunked message, then acknowledges it
 * Settings come from the environment its caller gives it (MESH_URL, MESH_MAILBOX_ID, ...).
 */
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { createAgent, DEFAULT_CHUNK_BYTES, fileSource, MeshClient, MeshError } from '../../src/mesh/index.ts';
import { makeAuthToken, MEDIA_V1, MEDIA_V2, type InboxBody } from '../../src/protocol/index.ts';

const { positionals, values: flags } = parseArgs({
  allowPositionals: true,
  options: {
    state: { type: 'string' },
    to: { type: 'string' },
    workflow: { type: 'string' },
    file: { type: 'string' },
    subject: { type: 'string' },
    'local-id': { type: 'string' },
    gzip: { type: 'boolean' },
    dir: { type: 'string' },
    id: { type: 'string' },
    'chunk-bytes': { type: 'string' },
    'handshake-per-call': { type: 'boolean' },
    're-download': { type: 'boolean' },
    'no-ack': { type: 'boolean' },
    'ignore-417': { type: 'boolean' },
    'retry-403-forever': { type: 'boolean' },
    'skip-paging': { type: 'boolean' },
    'quiet-id': { type: 'boolean' },
    'reuse-token': { type: 'boolean' },
    'handshake-burst': { type: 'boolean' },
    'skip-report': { type: 'boolean' },
    'poll-often': { type: 'boolean' },
    'bare-handshake': { type: 'boolean' },
    'accept-v1': { type: 'boolean' },
    'no-gzip': { type: 'boolean' },
    'chunk-one-only': { type: 'boolean' },
  },
});

const USAGE =
  'usage: product.ts send|receive|download --state DIR [options] (see the head of tests/demo-product/product.ts)';
const env = (name: string): string =>
  process.env[name] ??
  (() => {
    throw new Error(`${name} is not set`);
  })();
const tls = {
  ...(process.env.MESH_CA_CERT ? { caCertPath: process.env.MESH_CA_CERT } : {}),
  ...(process.env.MESH_CLIENT_CERT
    ? { tls: { certPath: env('MESH_CLIENT_CERT'), keyPath: env('MESH_CLIENT_KEY') } }
    : {}),
};
const settings = {
  baseUrl: env('MESH_URL'),
  mailboxId: env('MESH_MAILBOX_ID'),
  password: env('MESH_MAILBOX_PASSWORD'),
  sharedKey: env('MESH_SHARED_KEY'),
};
const client = new MeshClient({ ...settings, ...tls });
const discard = () => new Writable({ write: (_piece, _enc, done) => done() });
const DAY_MS = 86_400_000;

/** A request made by hand, for what our client would never send; a fresh token unless one is given. */
async function rawRequest(
  path: string,
  options: { method?: 'GET' | 'POST'; accept?: string; authorization?: string } = {},
): Promise<unknown> {
  const agent = createAgent(tls);
  try {
    const authorization = options.authorization ?? makeAuthToken(settings);
    const res = await request(`${settings.baseUrl}${path}`, {
      dispatcher: agent,
      method: options.method ?? 'GET',
      headers: { authorization, accept: options.accept ?? MEDIA_V2 },
    });
    const text = await res.body.text();
    return res.statusCode < 300 ? JSON.parse(text || 'null') : undefined;
  } finally {
    await agent.close();
  }
}

/** The product's own state file: when it last validated its mailbox. */
const stateFile = () => join(flags.state!, 'state.json');
const readState = (): { validatedAt?: string } =>
  existsSync(stateFile()) ? JSON.parse(readFileSync(stateFile(), 'utf8')) : {};

/** Validates the mailbox once a day (MESH asks for that), remembering when in its state file. */
async function validateMailbox(): Promise<void> {
  const validatedAt = readState().validatedAt;
  const due = flags['handshake-per-call'] || !validatedAt || Date.now() - Date.parse(validatedAt) > DAY_MS;
  if (flags['handshake-burst']) {
    for (let i = 0; i < 4; i += 1) await client.handshake();
  } else if (due) {
    // Without mex-ClientVersion, mex-OSName and mex-OSVersion the sandbox answers 400; this product shrugs.
    if (flags['bare-handshake']) await rawRequest(`/messageexchange/${settings.mailboxId}`, { method: 'POST' });
    else await client.handshake();
  } else return;
  writeFileSync(stateFile(), JSON.stringify({ validatedAt: new Date().toISOString() }));
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

/** Downloads a message whole into --dir (or nowhere), or with --chunk-one-only only the first chunk of a chunked one. */
async function download(id: string): Promise<void> {
  const options = { acceptGzip: !flags['no-gzip'] };
  // Written beside its final name and renamed once whole: a refused download leaves no file.
  const part = flags.dir ? join(flags.dir, `.${id}.part`) : undefined;
  const sink = () => (part ? createWriteStream(part) : discard());
  try {
    if (flags['chunk-one-only'] && (await client.head(id)).chunk.total > 1) {
      await pipeline((await client.downloadChunk(id, 1, options)).body, sink());
    } else await client.downloadTo(id, sink(), options);
  } catch (error) {
    if (part) rmSync(part, { force: true });
    throw error;
  }
  if (part) renameSync(part, join(flags.dir!, id));
}

async function receive(): Promise<void> {
  if (flags.dir) mkdirSync(flags.dir, { recursive: true });
  const pages = flags['reuse-token'] ? pagesWithOneToken() : client.inboxPages();
  for await (const page of pages) {
    for (const id of page.messages) {
      if (flags['skip-report'] && (await client.head(id)).messageType === 'REPORT') continue;
      await download(id);
      if (flags['re-download']) await download(id);
      if (!flags['no-ack']) await client.acknowledge(id);
    }
    if (flags['skip-paging']) break;
  }
  if (flags['poll-often']) for (let i = 0; i < 2; i += 1) await client.listInbox();
}

async function send(): Promise<void> {
  const file = flags.file!;
  const chunkSize = Number(flags['chunk-bytes'] ?? DEFAULT_CHUNK_BYTES);
  const message = {
    to: flags.to!,
    workflowId: flags.workflow!,
    fileName: basename(file),
    ...(flags.subject ? { subject: flags.subject } : {}),
    ...(flags['local-id'] ? { localId: flags['local-id'] } : {}),
    ...(flags.gzip ? { gzip: true, compressed: true } : {}),
  };
  let messageId: string;
  try {
    const sent =
      statSync(file).size > chunkSize
        ? await client.sendChunked(message, fileSource(file), { chunkSize })
        : await client.send(message, readFileSync(file));
    messageId = sent.messageId;
  } catch (error) {
    if (flags['ignore-417'] && error instanceof MeshError && error.status === 417) return void console.log('sent');
    throw error;
  }
  if (flags['accept-v1'])
    await rawRequest(
      `/messageexchange/${settings.mailboxId}/outbox/tracking?${new URLSearchParams({ messageID: messageId })}`,
      { accept: MEDIA_V1 },
    );
  else await client.track(messageId);
  if (!flags['quiet-id']) console.log(messageId);
}

async function downloadOne(): Promise<void> {
  if (!flags.id || !flags.dir) throw new Error(USAGE);
  mkdirSync(flags.dir, { recursive: true });
  await download(flags.id);
  if (!flags['no-ack']) await client.acknowledge(flags.id);
}

const COMMANDS: Record<string, () => Promise<void>> = { send, receive, download: downloadOne };

async function main(): Promise<void> {
  const command = COMMANDS[positionals[0] ?? ''];
  if (!flags.state || !command) throw new Error(USAGE);
  for (;;) {
    try {
      await validateMailbox();
      return await command();
    } catch (error) {
      if (!(flags['retry-403-forever'] && error instanceof MeshError && error.status === 403)) throw error;
      await sleep(100);
    }
  }
}

try {
  await main();
} catch (error) {
  console.error(`product: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await client.close();
}
