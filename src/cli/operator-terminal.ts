/**
 * The terminal side of operator-prompt mode: a local socket the pack's workers send prompts to, each shown
 * to the operator and answered with the next line they type. Prompts are taken one at a time, in order;
 * a line typed while no prompt waits is ignored, so a stray Enter never skips a step.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { OPERATOR_REFUSAL, type OperatorAnswer, type OperatorPrompt } from '../pack/operator.ts';

export interface OperatorTerminal {
  socketPath: string;
  close(): Promise<void>;
}

export async function openOperatorTerminal(input: Readable, out: Writable): Promise<OperatorTerminal> {
  // A folder only this user can enter: the socket carries the sandbox's settings.
  const dir = await mkdtemp(join(tmpdir(), 'mesh-operator-'));
  const socketPath = join(dir, 'prompts.sock');
  const lines = createInterface({ input, terminal: false });
  let waiting: ((line: string | undefined) => void) | undefined;
  let ended = false;
  lines.on('line', (line) => {
    const answer = waiting;
    waiting = undefined;
    answer?.(line);
  });
  lines.on('close', () => {
    ended = true;
    waiting?.(undefined);
    waiting = undefined;
  });
  let shownSettings = '';
  let shownCase = '';
  let queue = Promise.resolve();

  const ask = async (prompt: OperatorPrompt): Promise<OperatorAnswer> => {
    const settings = Object.entries(prompt.settings)
      .map(([name, value]) => `  ${name}=${value}`)
      .join('\n');
    if (settings !== shownSettings) {
      shownSettings = settings;
      out.write(`\nConfigure the product with:\n${settings}\n`);
    }
    if (prompt.caseTitle !== shownCase) {
      shownCase = prompt.caseTitle;
      out.write(`\n[${prompt.caseTitle}]\n`);
    }
    out.write(`→ ${prompt.instruction}\n`);
    const line = ended ? undefined : await new Promise<string | undefined>((resolve) => (waiting = resolve));
    if (line === undefined) return { reply: '', refused: true };
    const reply = line.trim();
    return { reply, refused: reply.toLowerCase() === OPERATOR_REFUSAL };
  };

  const serve = (socket: Socket) => {
    let received = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (piece: string) => {
      received += piece;
      const end = received.indexOf('\n');
      if (end < 0) return;
      let prompt: OperatorPrompt;
      try {
        prompt = JSON.parse(received.slice(0, end)) as OperatorPrompt;
      } catch {
        // Not a worker of this run: nothing to show.
        return void socket.destroy();
      }
      queue = queue.then(async () => {
        const answer = await ask(prompt);
        if (!socket.destroyed) socket.end(`${JSON.stringify(answer)}\n`);
      });
    });
  };

  const server = createServer(serve);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });
  return {
    socketPath,
    async close() {
      lines.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
