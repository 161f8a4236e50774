/**
 * The operator channel on its own: a worker's prompt crosses the real local socket to the terminal side,
 * is shown with the settings and the case, and comes back with the line typed after it. A stray Enter
 * before a prompt answers nothing; "no" and the end of the terminal's input are refusals.
 */
import { PassThrough, Writable } from 'node:stream';
import { expect, test } from '@playwright/test';
import { openOperatorTerminal } from '../../../src/cli/operator-terminal.ts';
import { askOperator, type OperatorPrompt } from '../../../src/pack/operator.ts';

/** A terminal's screen: what was written, and a wait for the next prompt shown on it. */
function screen(): { out: Writable; text: () => string; nextPrompt: () => Promise<void> } {
  let text = '';
  let shown = 0;
  let waiter: (() => void) | undefined;
  const out = new Writable({
    write(piece, _encoding, done) {
      text += String(piece);
      if (waiter && text.split('→ ').length - 1 > shown) {
        shown += 1;
        const wake = waiter;
        waiter = undefined;
        wake();
      }
      done();
    },
  });
  return { out, text: () => text, nextPrompt: () => new Promise((resolve) => (waiter = resolve)) };
}

const prompt = (instruction: string): OperatorPrompt => ({
  caseTitle: '201 send a message',
  instruction,
  settings: { MESH_URL: 'https://127.0.0.1:1', MESH_MAILBOX_ID: 'X26ABC1' },
});

test('a prompt is shown with its settings and case, and answered with the next line typed after it', async () => {
  const input = new PassThrough();
  const { out, text, nextPrompt } = screen();
  const terminal = await openOperatorTerminal(input, out);
  try {
    input.write('\n'); // a stray Enter, before anything is asked
    const shown = nextPrompt();
    const answer = askOperator(terminal.socketPath, prompt('send the file f to X26ABC2, then press Enter'));
    await shown;
    input.write('  MSGID0000001 \n');
    expect(await answer).toEqual({ reply: 'MSGID0000001', refused: false });
    expect(text()).toBe(
      '\nConfigure the product with:\n  MESH_URL=https://127.0.0.1:1\n  MESH_MAILBOX_ID=X26ABC1\n\n[201 send a message]\n→ send the file f to X26ABC2, then press Enter\n',
    );

    const refused = nextPrompt();
    const second = askOperator(terminal.socketPath, prompt('run the receive, then press Enter'));
    await refused;
    input.write('no\n');
    expect(await second).toEqual({ reply: 'no', refused: true });
    expect(text().match(/Configure the product with/g), 'settings shown once while unchanged').toHaveLength(1);

    input.end();
    expect(await askOperator(terminal.socketPath, prompt('download m, then press Enter'))).toEqual({
      reply: '',
      refused: true,
    });
  } finally {
    await terminal.close();
  }
});

test('a worker that cannot reach the terminal is told how operator mode is started', async () => {
  await expect(askOperator('/nonexistent/prompts.sock', prompt('x'))).rejects.toThrow(
    /cannot reach the operator's terminal at \/nonexistent\/prompts\.sock .*started by "mesh-assure run --operator" or "mesh-assure observe" on a terminal/,
  );
});
