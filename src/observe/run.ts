/**
 * `mesh-assure observe`: starts the sandbox, plays the product's counterpart mailbox, waits for the
 * product (an operator at a terminal, or the product's own commands in CI), then judges the product's
 * requests in the sandbox journal against the assessor rules.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { judgeProduct, toRequestRecords, type RequestRecord } from '../behaviour/index.ts';
import { SANDBOX_DEFAULTS } from '../config/targets.ts';
import { certificateFile, rehearsalSigner, type CertificateSummary, type SealedBundle } from '../evidence/index.ts';
import { startSandbox, type RunningSandbox } from '../sandbox/index.ts';
import { Counterpart, type ReceivedCheck } from './counterpart.ts';
import type { ObserveOptions } from './options.ts';
import { fillPlaceholders, runProductCommand, type CommandResult } from '../pack/product-command.ts';
import { sessionSteps, StepBoard, type SessionState, type Step } from './progress.ts';
import { packObserveBundle } from './bundle.ts';
import { printResult, sentMessageCase, verdictCase, type ObserveResult } from './result.ts';

const PRODUCT = SANDBOX_DEFAULTS.sut;
const COUNTERPART = SANDBOX_DEFAULTS.peer;
const WORKFLOW = SANDBOX_DEFAULTS.workflowId;
/** How often the journal is read for ticks while the operator (or the product on its own) works. */
const WATCH_MS = 500;

/** The settings a product needs, in the environment variables mesh-assure itself reads. */
export function productSettings(sandbox: RunningSandbox): Record<string, string> {
  const mailbox = sandbox.mailboxes.find((m) => m.mailboxId === PRODUCT)!;
  const identity = sandbox.tls?.clients[PRODUCT];
  return {
    MESH_URL: sandbox.baseUrl,
    MESH_MAILBOX_ID: PRODUCT,
    MESH_MAILBOX_PASSWORD: mailbox.password,
    MESH_SHARED_KEY: sandbox.sharedKey,
    MESH_WORKFLOW_ID: WORKFLOW,
    ...(sandbox.tls ? { MESH_CA_CERT: sandbox.tls.caCertPath } : {}),
    ...(identity ? { MESH_CLIENT_CERT: identity.certPath, MESH_CLIENT_KEY: identity.keyPath } : {}),
  };
}

function describeSettings(settings: Record<string, string>): string {
  const lines = Object.entries(settings).map(([name, value]) => `  ${name}=${value}`);
  return `Configure the product with (the sandbox's published test credentials):\n${lines.join('\n')}\n`;
}

class Session {
  readonly state: SessionState = { deliveries: [], reportIds: [], receivedFromProduct: 0 };
  readonly checks: ReceivedCheck[] = [];
  readonly failedCommands: CommandResult[] = [];
  readonly board: StepBoard;
  readonly deadline: number;

  constructor(
    readonly options: ObserveOptions,
    readonly sandbox: RunningSandbox,
    readonly counterpart: Counterpart,
    readonly file: { path: string; sha256: string },
    out: Writable,
  ) {
    this.deadline = Date.now() + options.forMs;
    const steps = sessionSteps({ product: PRODUCT, counterpart: COUNTERPART, workflowId: WORKFLOW, file: file.path });
    this.board = new StepBoard(out, steps, options.interactive);
  }

  records(): RequestRecord[] {
    return toRequestRecords(this.sandbox.journal.entries({ mailbox: PRODUCT }));
  }

  /** Ticks the board; true when every step is done. */
  tick(phase: Step['id']): boolean {
    return this.board.update(this.records(), this.state, phase);
  }

  timeLeft(): number {
    return this.deadline - Date.now();
  }

  async command(template: string, extra: Record<string, string>): Promise<void> {
    const placeholders = { mailbox: PRODUCT, url: this.sandbox.baseUrl, ...extra };
    const result = await runProductCommand(
      fillPlaceholders(template, placeholders),
      productSettings(this.sandbox),
      Math.max(1_000, this.timeLeft()),
    );
    if (result.code !== 0) this.failedCommands.push(result);
  }
}

/** The product sends the file to the counterpart: by its command, or by the operator. */
async function awaitProductSend(s: Session): Promise<void> {
  if (s.options.productSendCmd)
    await s.command(s.options.productSendCmd, { to: COUNTERPART, workflow: WORKFLOW, file: s.file.path });
  while (s.timeLeft() > 0) {
    s.checks.push(...(await s.counterpart.receive({ from: PRODUCT, workflowId: WORKFLOW, sha256: s.file.sha256 })));
    s.state.receivedFromProduct = s.checks.length;
    s.tick('send');
    if (s.checks.length > 0) return;
    await sleep(Math.min(WATCH_MS * 2, Math.max(0, s.timeLeft())));
  }
}

/** The product downloads and acknowledges everything: cycle by cycle with its command, or on its own. */
async function awaitProductReceive(s: Session): Promise<void> {
  const { productReceiveCmd, pollIntervalMs, receiveCycles = Infinity } = s.options;
  for (let cycles = 0; !s.tick('plain') && s.timeLeft() > 0;) {
    if (productReceiveCmd) {
      if (cycles === receiveCycles) return;
      cycles += 1;
      await s.command(productReceiveCmd, {});
      // A well-behaved product polls no more often than the interval: so does the cycle we drive.
      if (!s.tick('plain')) await sleep(Math.min(pollIntervalMs, Math.max(0, s.timeLeft())));
    } else await sleep(WATCH_MS);
  }
}

async function productFile(work: string): Promise<{ path: string; sha256: string }> {
  const content = `mesh-assure observe: the product sends this file to ${COUNTERPART}\n${randomBytes(16).toString('hex')}\n`;
  const path = join(work, 'product-send.txt');
  await writeFile(path, content);
  return { path, sha256: createHash('sha256').update(content).digest('hex') };
}

/** The sandbox's certificate for the product's mailbox, read before the sandbox's files are removed. */
async function productCertificate(sandbox: RunningSandbox): Promise<CertificateSummary | null> {
  const identity = sandbox.tls?.clients[PRODUCT];
  return identity ? certificateFile(identity.certPath) : null;
}

/** The session in the working folder `work`: the sandbox's data and the file the product sends live there. */
async function observeIn(
  work: string,
  options: ObserveOptions,
  out: Writable,
): Promise<{ result: ObserveResult; bundle: SealedBundle }> {
  const startedAt = new Date().toISOString();
  // Reused tokens are accepted, not refused: the product carries on, and the fresh-token rule names each
  // reuse instead of a cascade of 403s hiding the product's other behaviour.
  // Every verdict reads the whole session from the journal: keep all of it in memory (the session is time-boxed).
  const sandbox = await startSandbox({
    tls: options.tls,
    port: options.port,
    dataDir: join(work, 'sandbox'),
    relax: { tokenReuse: true },
    journalMemoryEntries: Infinity,
  });
  const counterpart = new Counterpart(sandbox, COUNTERPART);
  try {
    out.write(`MESH sandbox for the product at ${sandbox.baseUrl}\n${describeSettings(productSettings(sandbox))}`);
    const file = await productFile(work);
    await counterpart.handshake();
    out.write(
      `\n${COUNTERPART} (mesh-assure, the counterpart) delivers to ${PRODUCT}: a plain, a gzip and a chunked message, and ${options.pagingMessages} for paging...\n`,
    );
    const deliveries = await counterpart.deliver(PRODUCT, WORKFLOW, options.pagingMessages);
    const pagingFrom = sandbox.clock.now().toISOString();
    // The product's --for starts once its inbox is filled: delivering 500-odd messages is not its time.
    const s = new Session(options, sandbox, counterpart, file, out);
    s.state.deliveries = deliveries;
    s.tick('send');
    await awaitProductSend(s);
    if (s.checks[0])
      s.state.reportIds.push(await counterpart.reportUndelivered(PRODUCT, s.checks[0].messageId, WORKFLOW));
    await awaitProductReceive(s);
    const records = s.records();
    const verdicts = judgeProduct(records, {
      handshakeWindowMs: options.handshakeWindowMs,
      ackWithinMs: options.ackWithinMs,
      pollIntervalMs: options.pollIntervalMs,
      pagingFrom,
      chunked: s.state.deliveries.filter((d) => d.chunks > 1),
      reportIds: s.state.reportIds,
    });
    const cases = [...verdicts.map(verdictCase), sentMessageCase(s.checks, COUNTERPART)];
    const result: ObserveResult = {
      rehearsal: true,
      target: sandbox.baseUrl,
      startedAt,
      finishedAt: new Date().toISOString(),
      product: PRODUCT,
      counterpart: COUNTERPART,
      workflowId: WORKFLOW,
      limits: {
        ackWithinMs: options.ackWithinMs,
        pollIntervalMs: options.pollIntervalMs,
        handshakeWindowMs: options.handshakeWindowMs,
        pagingMessages: options.pagingMessages,
      },
      cases,
      openSteps: s.board.open(),
      failedCommands: s.failedCommands,
      passed: cases.every((c) => c.passed || c.notShown),
    };
    printResult(out, result);
    const bundle = await packObserveBundle(resolve(options.outDir), {
      result,
      journal: sandbox.journal.entries({ mailbox: PRODUCT }),
      certificate: await productCertificate(sandbox),
      odsCode: sandbox.mailboxes.find((m) => m.mailboxId === PRODUCT)!.odsCode,
      identity: options.identity,
      signer: await rehearsalSigner(
        PRODUCT,
        sandbox.mailboxes.find((m) => m.mailboxId === PRODUCT)!.odsCode,
        sandbox.tls && { ...sandbox.tls.clients[PRODUCT]!, caCertPath: sandbox.tls.caCertPath },
      ),
    });
    out.write(`\nrehearsal against the embedded sandbox: not assurance evidence\nbundle ${bundle.zipPath}\n`);
    return { result, bundle };
  } finally {
    await counterpart.close();
    await sandbox.close();
  }
}

export async function observe(
  options: ObserveOptions,
  out: Writable,
): Promise<{ result: ObserveResult; bundle: SealedBundle }> {
  const work = await mkdtemp(join(tmpdir(), 'mesh-observe-'));
  try {
    return await observeIn(work, options, out);
  } finally {
    if (options.keepSandboxDir) out.write(`The sandbox's files are kept in ${work}\n`);
    else await rm(work, { recursive: true, force: true });
  }
}
