/**
 * `mesh-assure observe` or `mesh-assure run` in product mode as a user runs it, with the demo product
 * (tests/demo-product) as the product: given as product commands, or done by a pseudo-operator that reads
 * each prompt on the CLI's stdout, does what it asks with the demo product, and answers on the CLI's stdin,
 * as a person at the terminal would.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Manifest } from '../../src/evidence/index.ts';
import { BUNDLE_FILES } from '../../src/evidence/layout.ts';
import { readZip } from '../../src/evidence/zip.ts';
import type { JsonReport } from '../../src/pack/results.ts';
import { MISBEHAVING_DELIVERY_TIMEOUT_S, outcomes, type CaseOutcome } from './product-run.ts';

const BIN = fileURLToPath(new URL('../../bin/mesh-assure.mjs', import.meta.url));
const PRODUCT = fileURLToPath(new URL('../demo-product/product.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface PackCliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The bundle's manifest, when observe packed one. */
  manifest: Manifest | undefined;
  /** Each case's outcome, from the bundle's Playwright JSON report. */
  outcome: Map<string, CaseOutcome>;
  zipPath: string | undefined;
  /** `mesh-assure verify` of the bundle: its exit code and output. */
  verify: { code: number; stdout: string } | undefined;
  /** Every prompt the operator was shown, in order (operator mode). */
  prompts: string[];
  /** The bundle's landing page. */
  landing: string | undefined;
  /** Operator sockets' folders left in the CLI's temporary folder after it ended. */
  leftSocketFolders: string[];
}

/** Settings the operator's product keeps as configured: the CLI shows them only as this, off the sandbox. */
const AS_CONFIGURED = /^\(as configured/;

/** A step that needs settings wrong for once (701 off the sandbox): the settings, and the step itself. */
const WRONG_FOR_ONE_STEP = /^for this step only, set the product's (.+?) to a wrong value \([^)]*\): (.*)$/;

/** What a pseudo-operator does for each prompt: the demo product's arguments, or undefined for a prompt it does not know. */
function productArgsFor(prompt: string): string[] | undefined {
  const send =
    /^send the file (.+) to (\S+) on workflow (\S+?)( gzip-compressed)?( \(mex-content-compressed\))?, then press Enter/.exec(
      prompt,
    );
  if (send)
    return ['send', '--to', send[2]!, '--workflow', send[3]!, '--file', send[1]!, ...(send[4] ? ['--gzip'] : [])];
  const receive =
    /^run the product's receive so that it downloads and acknowledges every message waiting for \S+ into (.+), then press Enter \(/.exec(
      prompt,
    );
  if (receive) return ['receive', '--dir', receive[1]!];
  const download = /^have the product download message (\S+) into (.+), then press Enter \(/.exec(prompt);
  if (download) return ['download', '--id', download[1]!, '--dir', download[2]!];
  return undefined;
}

/** Runs the demo product with the settings the operator was shown; its stdout, or undefined when it failed. */
function demoProduct(
  args: string[],
  state: string,
  flags: string[],
  settings: Record<string, string>,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', PRODUCT, ...args, '--state', state, ...flags.map((f) => `--${f}`)],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...settings }, cwd: ROOT },
      (error, stdout) => resolve(error ? undefined : stdout),
    );
  });
}

/** How the pseudo-operator behaves: answers "no" to every step, or stops the CLI with Ctrl-C at the first. */
type Operating = { refuse?: boolean; interrupt?: boolean };

/**
 * Reacts to the CLI's stdout: settings are noted (over the secrets the product already has, `configured`),
 * each prompt done with the demo product and answered on stdin; with `refuse`, each is answered "no" (the
 * product cannot); with `interrupt`, the first prompt is answered by Ctrl-C.
 */
function pseudoOperator(
  how: { refuse?: boolean; interrupt?: () => void },
  lines: AsyncIterable<string>,
  answer: (line: string) => void,
  product: { state: string; flags: string[]; configured: Record<string, string> },
  prompts: string[],
): Promise<void> {
  return (async () => {
    const settings: Record<string, string> = { ...product.configured };
    for await (const line of lines) {
      const setting = /^ {2}(MESH_[A-Z_]+)=(.*)$/.exec(line);
      if (setting && !AS_CONFIGURED.test(setting[2]!)) settings[setting[1]!] = setting[2]!;
      if (!line.startsWith('→ ')) continue;
      const prompt = line.slice(2);
      prompts.push(prompt);
      if (how.interrupt) return how.interrupt();
      const wrong = WRONG_FOR_ONE_STEP.exec(prompt);
      const step = wrong ? wrong[2]! : prompt;
      const stepSettings = wrong
        ? { ...settings, ...Object.fromEntries(wrong[1]!.split(' and ').map((name) => [name, 'a-wrong-value'])) }
        : settings;
      const args = how.refuse ? undefined : productArgsFor(step);
      const printed = args ? await demoProduct(args, product.state, product.flags, stepSettings) : undefined;
      // The message id the product printed, as a person would type it from the product's screen.
      answer(printed === undefined ? 'no' : (printed.trim().split('\n').at(-1) ?? ''));
    }
  })();
}

/** The secrets a supplier configured their product with, which the CLI shows off the sandbox only as configured. */
const configuredSecrets = (env: Record<string, string>): Record<string, string> =>
  Object.fromEntries(
    ['MESH_MAILBOX_PASSWORD', 'MESH_SHARED_KEY'].filter((name) => env[name]).map((name) => [name, env[name]!]),
  );

function verifyBundle(zipPath: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [BIN, 'verify', zipPath], { cwd: ROOT }, (error, stdout) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout }),
    ),
  );
}

/**
 * Runs `mesh-assure <command>` with `args`; `product` gives the demo product as commands (with its
 * misbehaviour flags), or as the pseudo-operator's product with `operator`; `env` adds settings (a URL
 * target's, whose secrets the operator's product is configured with).
 */
export async function packCliRun(
  command: 'observe' | 'run',
  args: string[],
  product: { flags?: string[]; as: 'commands' | 'operator' } & Operating,
  env: Record<string, string> = {},
): Promise<PackCliRun> {
  const work = mkdtempSync(join(tmpdir(), 'mesh-pack-cli-'));
  // The CLI's own temporary folder, where its operator socket's folder is made: it must be gone at the end.
  const tmp = join(work, 'tmp');
  mkdirSync(tmp);
  try {
    const flags = product.flags ?? [];
    const extra = flags.map((f) => ` --${f}`).join('');
    const demo = `"${process.execPath}" --import tsx "${PRODUCT}"`;
    const state = `--state "${work}"`;
    const commands =
      product.as === 'commands'
        ? [
            '--product-send-cmd',
            `${demo} send ${state} --to {to} --workflow {workflow} --file {file}${extra}`,
            '--product-send-gzip-cmd',
            `${demo} send --gzip ${state} --to {to} --workflow {workflow} --file {file}${extra}`,
            '--product-receive-cmd',
            `${demo} receive ${state} --dir {dir}${extra}`,
            '--product-download-cmd',
            `${demo} download ${state} --id {id} --dir {dir}${extra}`,
          ]
        : ['--operator'];
    const child = spawn(process.execPath, [BIN, command, '--out', join(work, 'evidence'), ...args, ...commands], {
      // A clean environment: nothing of the developer's own MESH settings leaks in.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        TMPDIR: tmp,
        MESH_ASSURE_REPORTS: join(work, 'reports'),
        MESH_DELIVERY_TIMEOUT_S: flags.length > 0 ? MISBEHAVING_DELIVERY_TIMEOUT_S : '20',
        ...env,
      },
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, as a terminal's foreground job: Ctrl-C reaches the CLI and the pack it runs.
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (piece: string) => (stdout += piece));
    child.stderr.setEncoding('utf8').on('data', (piece: string) => (stderr += piece));
    const prompts: string[] = [];
    const operating =
      product.as === 'operator'
        ? pseudoOperator(
            {
              refuse: product.refuse,
              // Ctrl-C at a terminal signals its foreground process group.
              interrupt: product.interrupt ? () => process.kill(-child.pid!, 'SIGINT') : undefined,
            },
            createInterface({ input: child.stdout }),
            (line) => child.stdin.write(`${line}\n`),
            { state: work, flags, configured: configuredSecrets(env) },
            prompts,
          )
        : Promise.resolve();
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
    child.stdin.end();
    await operating;
    const zipPath = /^bundle (.+\.zip)$/m.exec(stdout)?.[1];
    const entries = new Map(
      zipPath ? (await readZip(zipPath)).map((e) => [e.name, Buffer.from(e.data!).toString('utf8')]) : [],
    );
    const json = <T>(name: string): T | undefined => {
      const text = entries.get(name);
      return text === undefined ? undefined : (JSON.parse(text) as T);
    };
    const manifest = json<Manifest>('manifest.json');
    const report = json<JsonReport>(BUNDLE_FILES.results);
    const outcome = report ? outcomes(report) : new Map<string, CaseOutcome>();
    const verify = zipPath ? await verifyBundle(zipPath) : undefined;
    const leftSocketFolders = readdirSync(tmp).filter((name) => name.startsWith('mesh-operator-'));
    const landing = entries.get(BUNDLE_FILES.landing);
    return { code, stdout, stderr, manifest, outcome, zipPath, verify, prompts, leftSocketFolders, landing };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
