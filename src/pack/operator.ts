/**
 * Operator-prompt mode of the pack: where the product has no commands, a person at the terminal does each
 * step in the product. Playwright's workers do not own the terminal, so each step is asked over a local
 * socket of the CLI process that does (src/cli/operator-terminal.ts): one connection per prompt, one JSON
 * line each way. The answer stands in for a command's output (a message id the product showed, or nothing).
 */
import { createConnection } from 'node:net';
import type { ProductCommand } from './product-config.ts';

/** The variable the CLI sets for the pack: the path of its operator socket. */
export const OPERATOR_SOCKET_VARIABLE = 'MESH_PRODUCT_OPERATOR_SOCKET';

/** What the operator answers when the product could not do the step, or reported a failure. */
export const OPERATOR_REFUSAL = 'no';

export interface OperatorPrompt {
  /** The case under way, so the operator knows where they are. */
  caseTitle: string;
  /** What to do in the product, ending in "then press Enter". */
  instruction: string;
  /** The settings the product needs; secrets are present only where they are published (the sandbox's). */
  settings: Record<string, string>;
}

export interface OperatorAnswer {
  /** The line the operator typed (a message id, or empty). */
  reply: string;
  /** True when the operator said the product could not do it, or the terminal's input ended. */
  refused: boolean;
}

/**
 * The instruction for one step, from the values a command would get as placeholders. `wrong` names settings
 * the step needs set to a wrong value (701 off the sandbox: a wrong password for one receive); the operator
 * picks the value, so none is shown.
 */
export function operatorInstruction(
  command: ProductCommand,
  values: Record<string, string>,
  wrong: readonly string[] = [],
): string {
  const step = stepInstruction(command, values);
  return wrong.length === 0
    ? step
    : `for this step only, set the product's ${wrong.join(' and ')} to a wrong value (any but the right one; put it back afterwards): ${step}`;
}

function stepInstruction(command: ProductCommand, values: Record<string, string>): string {
  // A command's exit code tells the pack the product reported a failure (701 needs it): the operator says so.
  const failed = `"${OPERATOR_REFUSAL}" if the product reports a failure`;
  switch (command) {
    case 'send':
    case 'sendGzip':
      return `send the file ${values.file} to ${values.to} on workflow ${values.workflow}${command === 'sendGzip' ? ' gzip-compressed (mex-content-compressed)' : ''}, then press Enter (type the message id first if the product shows it; ${failed})`;
    case 'receive':
      return `run the product's receive so that it downloads and acknowledges every message waiting for ${values.mailbox} into ${values.dir}, then press Enter (${failed})`;
    case 'download':
      return `have the product download message ${values.id} into ${values.dir}, then press Enter (${failed})`;
  }
}

/** Asks the operator behind `socketPath`; waits as long as a person needs. */
export function askOperator(socketPath: string, prompt: OperatorPrompt): Promise<OperatorAnswer> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let received = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(prompt)}\n`));
    socket.on('data', (piece: string) => {
      received += piece;
      const end = received.indexOf('\n');
      if (end < 0) return;
      socket.end();
      resolve(JSON.parse(received.slice(0, end)) as OperatorAnswer);
    });
    socket.on('error', (error) =>
      reject(
        new Error(
          `cannot reach the operator's terminal at ${socketPath} (${error.message}): operator mode is started by "mesh-assure run --operator" or "mesh-assure observe" on a terminal`,
        ),
      ),
    );
    socket.on('close', () =>
      reject(new Error("the operator's terminal closed the prompt without an answer (was mesh-assure stopped?)")),
    );
  });
}
