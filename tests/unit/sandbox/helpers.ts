/** Shared helpers of the sandbox tests: a per-test sandbox fixture and a small signed HTTP caller. */
import { test as base } from '@playwright/test';
import { request, type Dispatcher } from 'undici';
import { makeAuthToken, MEDIA_V2 } from '../../../src/protocol/index.ts';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../../src/sandbox/index.ts';

export const SUT = 'X26ABC1';
export const PEER = 'X26ABC2';
export const DORMANT = 'X26ABC3';
export const WORKFLOW = 'MESH_ASSURE_TEST';
export const HANDSHAKE_HEADERS = {
  'mex-clientversion': 'mesh-assure-tests==1',
  'mex-osname': 'Linux',
  'mex-osversion': '6',
};

export interface CallOptions {
  method?: string;
  /** Signs the request as this mailbox (password `password`) unless `authorization` is given. */
  as?: string;
  authorization?: string;
  /** 'v1' sends no Accept header; 'v2' the v2 media type; anything else is sent as is. */
  accept?: 'v1' | 'v2' | string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  dispatcher?: Dispatcher;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

/** A token signed with the sandbox's key and clock (so it stays fresh after the clock is advanced). */
export function tokenFor(
  sandbox: RunningSandbox,
  mailboxId: string,
  extra: { nonce?: string; nonceCount?: number; time?: Date; password?: string } = {},
): string {
  return makeAuthToken({
    sharedKey: sandbox.sharedKey,
    mailboxId,
    password: extra.password ?? 'password',
    time: extra.time ?? sandbox.clock.now(),
    ...extra,
  });
}

export async function call(sandbox: RunningSandbox, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  const accept = options.accept ?? 'v2';
  if (accept === 'v2') headers.accept = MEDIA_V2;
  else if (accept !== 'v1') headers.accept = accept;
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  else if (options.as) headers.authorization = tokenFor(sandbox, options.as);
  const response = await request(`${sandbox.baseUrl}${path}`, {
    method: (options.method ?? 'GET') as Dispatcher.HttpMethod,
    headers,
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
  const body = Buffer.from(await response.body.arrayBuffer());
  const flat = Object.fromEntries(
    Object.entries(response.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]),
  );
  const text = body.toString('utf8');
  return { status: response.statusCode, headers: flat, body, text, json: <T>() => JSON.parse(text) as T };
}

/** Sends a single-chunk message and returns its id. */
export async function send(
  sandbox: RunningSandbox,
  from: string,
  to: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<string> {
  const reply = await call(sandbox, `/messageexchange/${from}/outbox`, {
    method: 'POST',
    as: from,
    headers: { 'mex-to': to, 'mex-workflowid': WORKFLOW, ...headers },
    body,
  });
  if (reply.status !== 202) throw new Error(`send failed: ${reply.status} ${reply.text}`);
  return reply.json<{ message_id: string }>().message_id;
}

export async function inbox(sandbox: RunningSandbox, mailbox: string, query = ''): Promise<string[]> {
  const reply = await call(sandbox, `/messageexchange/${mailbox}/inbox${query}`, { as: mailbox });
  return reply.json<{ messages: string[] }>().messages;
}

/** v2 error detail of a reply. */
export function detail(reply: Reply): { event: string; code: string; msg: string } {
  return reply.json<{ detail: { event: string; code: string; msg: string }[] }>().detail[0]!;
}

/** A fresh sandbox per test (a temp data dir each time), closed afterwards. */
export const test = base.extend<{ sandboxOptions: SandboxOptions; sandbox: RunningSandbox }>({
  sandboxOptions: [{}, { option: true }],
  sandbox: async ({ sandboxOptions }, use) => {
    const sandbox = await startSandbox(sandboxOptions);
    await use(sandbox);
    await sandbox.close();
  },
});

export { expect } from '@playwright/test';
