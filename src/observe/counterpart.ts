/**
 * mesh-assure as the product's counterpart mailbox: delivers the messages a witness session puts in the
 * product's inbox (plain, gzip, chunked, more than 500 for paging), receives and checks what the product
 * sends, and has the sandbox raise a non-delivery REPORT for it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { bufferSource, MeshClient } from '../mesh/index.ts';
import type { RunningSandbox } from '../sandbox/index.ts';

export interface Delivery {
  kind: 'plain' | 'gzip' | 'chunked' | 'paging';
  messageId: string;
  chunks: number;
}

/** What the counterpart found in a message from the product. */
export interface ReceivedCheck {
  messageId: string;
  problems: string[];
}

const CHUNKED_CHUNKS = 3;
const CHUNK_BYTES = 64 * 1024;
/** Enough requests in flight to put 500+ messages in an inbox in a second or two. */
const PAGING_CONCURRENCY = 8;

export class Counterpart {
  readonly mailboxId: string;
  readonly #client: MeshClient;
  readonly #admin: Agent;
  readonly #sandbox: RunningSandbox;

  constructor(sandbox: RunningSandbox, mailboxId: string) {
    this.mailboxId = mailboxId;
    this.#sandbox = sandbox;
    const mailbox = sandbox.mailboxes.find((m) => m.mailboxId === mailboxId)!;
    const identity = sandbox.tls?.clients[mailboxId];
    const tls = sandbox.tls
      ? {
          caCertPath: sandbox.tls.caCertPath,
          ...(identity ? { tls: { certPath: identity.certPath, keyPath: identity.keyPath } } : {}),
        }
      : {};
    this.#client = new MeshClient({
      baseUrl: sandbox.baseUrl,
      mailboxId,
      password: mailbox.password,
      sharedKey: sandbox.sharedKey,
      concurrency: PAGING_CONCURRENCY,
      clock: () => sandbox.clock.now(),
      ...tls,
    });
    // The sandbox asks every TLS connection for a client certificate, the admin API's too.
    this.#admin = new Agent({
      connect:
        sandbox.tls && identity
          ? {
              ca: readFileSync(sandbox.tls.caCertPath),
              cert: readFileSync(identity.certPath),
              key: readFileSync(identity.keyPath),
            }
          : {},
    });
  }

  async handshake(): Promise<void> {
    await this.#client.handshake();
  }

  /** Plain, gzip and chunked messages, then `paging` more, all to `to` on `workflowId`. */
  async deliver(to: string, workflowId: string, paging: number): Promise<Delivery[]> {
    const message = (subject: string, gzip = false) => ({
      to,
      workflowId,
      subject,
      fileName: `${subject}.txt`,
      contentType: 'text/plain',
      gzip,
    });
    const text = (label: string) => `mesh-assure observe: ${label} ${randomBytes(8).toString('hex')}\n`;
    const plain = await this.#client.send(message('plain'), text('plain message'));
    const gzip = await this.#client.send(message('gzip', true), text('gzip message').repeat(50));
    const chunked = await this.#client.sendChunked(
      message('chunked'),
      bufferSource(randomBytes(CHUNKED_CHUNKS * CHUNK_BYTES)),
      { chunkSize: CHUNK_BYTES },
    );
    const bulk = await Promise.all(
      Array.from({ length: paging }, (_, i) =>
        this.#client.send(message(`paging-${i + 1}`), text(`paging message ${i + 1}`)),
      ),
    );
    return [
      { kind: 'plain', messageId: plain.messageId, chunks: 1 },
      { kind: 'gzip', messageId: gzip.messageId, chunks: 1 },
      { kind: 'chunked', messageId: chunked.messageId, chunks: chunked.chunks },
      ...bulk.map((b) => ({ kind: 'paging' as const, messageId: b.messageId, chunks: 1 })),
    ];
  }

  /** Downloads, checks and acknowledges the messages waiting for the counterpart. */
  async receive(expected: { from: string; workflowId: string; sha256: string }): Promise<ReceivedCheck[]> {
    const checks: ReceivedCheck[] = [];
    for await (const messageId of this.#client.inboxMessageIds()) {
      const { metadata, sha256 } = await this.#client.downloadTo(messageId);
      await this.#client.acknowledge(messageId);
      const problems: string[] = [];
      const expect = (what: string, got: string | undefined, want: string) => {
        if ((got ?? '').toUpperCase() !== want.toUpperCase())
          problems.push(`${what} is ${got === undefined ? 'absent' : `"${got}"`}, expected "${want}"`);
      };
      expect('mex-MessageType', metadata.messageType, 'DATA');
      expect('mex-From', metadata.from, expected.from);
      expect('mex-To', metadata.to, this.mailboxId);
      expect('mex-WorkflowID', metadata.workflowId, expected.workflowId);
      if (sha256 !== expected.sha256) problems.push('the content differs from the file given to the product');
      checks.push({ messageId, problems });
    }
    return checks;
  }

  /** Has the sandbox report `messageId` (from the product) as undelivered: a REPORT in the product's inbox. */
  async reportUndelivered(product: string, messageId: string, workflowId: string): Promise<string> {
    const body = {
      mailbox_id: product,
      status: 'error',
      code: '14',
      event: 'SEND',
      description: 'Message not collected by recipient after 5 days',
      workflow_id: workflowId,
      linked_message_id: messageId,
    };
    const res = await request(`${this.#sandbox.adminUrl}/report`, {
      method: 'POST',
      dispatcher: this.#admin,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`the sandbox did not create the REPORT (${res.statusCode}): ${text}`);
    return (JSON.parse(text) as { message_id: string }).message_id;
  }

  async close(): Promise<void> {
    await Promise.all([this.#client.close(), this.#admin.close()]);
  }
}
