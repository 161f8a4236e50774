/**
 * `mesh-assure observe` as a user runs it, with the demo product (tests/demo-product) as the product: given
 * as product commands, or done by a pseudo-operator that reads each prompt on observe's stdout, does what
 * it asks with the demo product, and answers on observe's stdin, as a person at the terminal would.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Manifest } from '../../src/evidence/index.ts';
import { BUNDLE_FILES } from '../../src/evidence/layout.ts';
import { readZip } from '../../src/evidence/zip.ts';
import type { JsonReport } from '../../src/pack/results.ts';
import { outcomes, type CaseOutcome } from './product-run.ts';

const BIN = fileURLToPath(new URL('../../bin/mesh-assure.mjs', import.meta.url));
const PRODUCT = fileURLToPath(new URL('../demo-product/product.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ObserveRun {
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
}

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

/**
 * Reacts to observe's stdout: settings are noted, each prompt done with the demo product and answered on
 * stdin; with `refuse`, each is answered "no" (the product cannot).
 */
function pseudoOperator(
  refuse: boolean,
  lines: AsyncIterable<string>,
  answer: (line: string) => void,
  state: string,
  flags: string[],
  prompts: string[],
): Promise<void> {
  return (async () => {
    const settings: Record<string, string> = {};
    for await (const line of lines) {
      const setting = /^ {2}(MESH_[A-Z_]+)=(.*)$/.exec(line);
      if (setting) settings[setting[1]!] = setting[2]!;
      if (!line.startsWith('→ ')) continue;
      const prompt = line.slice(2);
      prompts.push(prompt);
      const args = refuse ? undefined : productArgsFor(prompt);
      const printed = args ? await demoProduct(args, state, flags, settings) : undefined;
      // The message id the product printed, as a person would type it from the product's screen.
      answer(printed === undefined ? 'no' : (printed.trim().split('\n').at(-1) ?? ''));
    }
  })();
}

function verifyBundle(zipPath: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [BIN, 'verify', zipPath], { cwd: ROOT }, (error, stdout) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout }),
    ),
  );
}

/**
 * Runs observe with `args`; `product` gives the demo product as commands (with its misbehaviour flags), or
 * as the pseudo-operator's product with `operator`.
 */
export async function observeRun(
  args: string[],
  product: { flags?: string[]; as: 'commands' | 'operator'; refuse?: boolean },
): Promise<ObserveRun> {
  const work = mkdtempSync(join(tmpdir(), 'mesh-observe-'));
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
    const child = spawn(process.execPath, [BIN, 'observe', '--out', join(work, 'evidence'), ...args, ...commands], {
      // A clean environment: nothing of the developer's own MESH settings leaks in.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        MESH_ASSURE_REPORTS: join(work, 'reports'),
        MESH_DELIVERY_TIMEOUT_S: '20',
      },
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (piece: string) => (stdout += piece));
    child.stderr.setEncoding('utf8').on('data', (piece: string) => (stderr += piece));
    const prompts: string[] = [];
    const operating =
      product.as === 'operator'
        ? pseudoOperator(
            Boolean(product.refuse),
            createInterface({ input: child.stdout }),
            (line) => child.stdin.write(`${line}\n`),
            work,
            flags,
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
    return { code, stdout, stderr, manifest, outcome, zipPath, verify, prompts };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
