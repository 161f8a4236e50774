/**
 * Backpressure end to end: `mesh-assure download <id>` writing to a stdout pipe nobody reads holds the
 * sandbox back. The sandbox is a real server on a loopback socket; what it has put on the wire is the
 * kernel's count (ss), compared with what the reader has taken from the pipe.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { peakRssMib } from '../../support/peak-rss.ts';
import { startHarness, type Harness } from './helpers.ts';
import { tcpSockets } from './tcp-sockets.ts';

const BIN = fileURLToPath(new URL('../../../bin/mesh-assure.mjs', import.meta.url));
const MESSAGE_BYTES = 64 * 1024 * 1024;
/** Linux's default pipe capacity: what the CLI can write before the unread pipe stops it. */
const PIPE_BYTES = 64 * 1024;
/**
 * What the client's own stages may hold between its socket and stdout: undici's parser, the 1 MiB body
 * bites, gunzip's output and stdout's write buffer. Generous, and still a small fraction of the message.
 */
const CLIENT_STAGES_BYTES = 4 * 1024 * 1024;
/** The README's bound for the client's peak RSS. */
const RSS_LIMIT_MIB = 150;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

let h: Harness;
test.beforeAll(async () => {
  h = await startHarness({ tls: 'none' });
});
test.afterAll(async () => h?.close());

test('a download to a stdout pipe nobody reads holds the sandbox back, and the client stays small', async () => {
  const content = randomBytes(MESSAGE_BYTES);
  const sender = h.client('X26ABC1');
  const { messageId } = await sender.client.send({ to: 'X26ABC2', workflowId: 'MESH_ASSURE_TEST' }, content);
  const port = h.sandbox.port;

  const child = spawn(process.execPath, [BIN, 'download', messageId], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      MESH_URL: h.sandbox.baseUrl,
      MESH_MAILBOX_ID: 'X26ABC2',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));

  // Nothing reads stdout, so the pipe fills, the CLI stops reading its socket and the client's kernel
  // closes the receive window: the sandbox's kernel then holds written bytes unsent and probes the window.
  const heldBack = async () =>
    (await tcpSockets(port, 'server')).find((socket) => socket.notSent > 0 && socket.backoff > 0);
  await expect
    .poll(async () => (await heldBack()) !== undefined, {
      message: "the sandbox was never held back by the download's closed window",
      timeout: 60_000,
    })
    .toBe(true);

  const server = (await heldBack())!;
  const client = (await tcpSockets(port, 'client')).find((socket) => socket.localPort === server.peerPort)!;
  const read = child.stdout.readableLength;
  const window = client.receiveBuffer + PIPE_BYTES + CLIENT_STAGES_BYTES;
  expect(server.sent - read, `sent ${server.sent} B, read ${read} B`).toBeLessThanOrEqual(window);
  expect(window).toBeLessThan(MESSAGE_BYTES / 4);
  expect(peakRssMib(child.pid!)).toBeLessThan(RSS_LIMIT_MIB);

  // The reader comes back: every byte arrives, in order, and the CLI ends well.
  const pieces: Buffer[] = [];
  for await (const piece of child.stdout) pieces.push(piece as Buffer);
  expect(await exited, stderr).toBe(0);
  expect(sha256(Buffer.concat(pieces))).toBe(sha256(content));
});
