/**
 * manifest.json: the run, its identity and every case's result, plus the digest of every other file. Its
 * JSON Schema (manifest.schema.json, described field by field in docs/evidence.md) is checked with ajv when
 * the manifest is written and when a bundle is verified.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { toolVersion, type TargetKind } from '../config/index.ts';
import type { CaseOutcome, CaseResult } from './case-results.ts';
import type { CaseChange } from './compare.ts';

export const MANIFEST_FORMAT = 'mesh-assure-evidence/1';

/** What was run: the witness pack (`run`), or a supplier's product judged from the journal (`observe`). */
export type BundleKind = 'witness' | 'observe';

/** Who played the sut mailbox: our client (`reference`), or the supplier's product (`product`, named in `product`). */
export type SutKind = 'reference' | 'product';

/** How the product was driven in product mode: by its commands, or by an operator at the terminal. */
export type ProductDriving = 'commands' | 'operator';

export interface CertificateSummary {
  subject: string;
  issuer: string;
  fingerprintSha256: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
}

export interface Comparison {
  baseline: { bundle: string; sha256: string; runId: string; rfc: string | null; finishedAt: string };
  changes: CaseChange[];
}

export interface FileDigest {
  path: string;
  bytes: number;
  sha256: string;
}

export type Summary = Record<CaseOutcome | 'total', number>;

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  /** Absent in bundles sealed before observe was packed: those are witness runs. */
  kind?: BundleKind;
  /** Absent in bundles sealed before product mode: witness bundles were reference, observe bundles product. */
  sut?: SutKind;
  /** How the product was driven; null when the reference client was the sut. Absent in bundles sealed before operator mode: commands. */
  driven?: ProductDriving | null;
  runId: string;
  rehearsal: boolean;
  target: { kind: TargetKind; url: string | null };
  mailboxes: { sut: string; peer: string; dormant: string | null };
  odsCode: string | null;
  workflowId: string;
  certificate: CertificateSummary | null;
  product: { name: string | null; version: string | null };
  rfc: string | null;
  tool: { name: 'mesh-assure'; version: string; node: string };
  startedAt: string;
  finishedAt: string;
  summary: Summary;
  cases: CaseResult[];
  comparison: Comparison | null;
  files: FileDigest[];
}

/** Everything but the file digests, which sealing adds. */
export type ManifestBody = Omit<Manifest, 'files'>;

export const bundleKind = (m: Pick<Manifest, 'kind'>): BundleKind => m.kind ?? 'witness';

export const sutKind = (m: Pick<Manifest, 'kind' | 'sut'>): SutKind =>
  m.sut ?? (bundleKind(m) === 'observe' ? 'product' : 'reference');

/** What a run knows of itself; the format, the tool, the summary and an empty comparison are the same for every kind. */
export type RunFacts = Omit<ManifestBody, 'format' | 'tool' | 'summary' | 'comparison' | 'kind'> & { kind: BundleKind };

export function manifestBody(facts: RunFacts): ManifestBody {
  return {
    format: MANIFEST_FORMAT,
    ...facts,
    tool: { name: 'mesh-assure', version: toolVersion(), node: process.version },
    summary: summarise(facts.cases),
    comparison: null,
  };
}

export const OUTCOMES: readonly CaseOutcome[] = [
  'passed',
  'failed',
  'pending',
  'not-demonstrable',
  'skipped',
  'not-run',
];

export function summarise(cases: readonly CaseResult[]): Summary {
  const summary = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Summary;
  for (const c of cases) summary[c.result]++;
  summary.total = cases.length;
  return summary;
}

const SCHEMA = JSON.parse(readFileSync(new URL('./manifest.schema.json', import.meta.url), 'utf8')) as object;
// ajv-formats is CommonJS: its default import is the plugin function at run time.
const addFormats = addFormatsPlugin as unknown as (ajv: Ajv) => Ajv;
const validate = addFormats(new Ajv({ allErrors: true, strict: true })).compile<Manifest>(SCHEMA);

const describe = (e: ErrorObject): string => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`;

/** The schema's complaints about `value`, one line each; empty when it is a valid manifest. */
export function manifestProblems(value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map(describe);
}

export function assertValidManifest(value: unknown): asserts value is Manifest {
  const problems = manifestProblems(value);
  if (problems.length > 0) throw new Error(`manifest.json does not match its schema: ${problems.join('; ')}`);
}
