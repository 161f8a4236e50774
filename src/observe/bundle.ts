/**
 * An observed session as an evidence bundle, packed like `run`'s: one case per rule, always a sandbox
 * rehearsal, with observe.json (every verdict in full) and the product's journal as its reports.
 */
import type { JournalEntry } from '../sandbox/index.ts';
import {
  BUNDLE_FILES,
  judgedCase,
  manifestBody,
  packBundle,
  type BundleSigner,
  type CertificateSummary,
  type SealedBundle,
} from '../evidence/index.ts';
import type { ObserveResult } from './result.ts';

/** MESH_PRODUCT_NAME, MESH_PRODUCT_VERSION and MESH_RFC, as `run` records them. */
export interface ProductIdentity {
  name: string | null;
  version: string | null;
  rfc: string | null;
}

export interface ObservedSession {
  result: ObserveResult;
  journal: JournalEntry[];
  /** The certificate the sandbox issued to the product's mailbox (--tls, --mtls), or null. */
  certificate: CertificateSummary | null;
  odsCode: string;
  identity: ProductIdentity;
  /** Signs the manifest: the sandbox's pair for the product's mailbox, or a throwaway one. */
  signer: BundleSigner;
}

const json = (value: unknown): Uint8Array => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');

export function packObserveBundle(outDir: string, session: ObservedSession): Promise<SealedBundle> {
  const { result, identity } = session;
  const body = manifestBody({
    kind: 'observe',
    sut: 'product',
    runId: `observe-${result.startedAt.replace(/[:.]/g, '-')}`,
    rehearsal: result.rehearsal,
    target: { kind: 'sandbox', url: result.target },
    mailboxes: { sut: result.product, peer: result.counterpart, dormant: null },
    odsCode: session.odsCode,
    workflowId: result.workflowId,
    certificate: session.certificate,
    product: { name: identity.name, version: identity.version },
    rfc: identity.rfc,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    cases: result.cases.map(judgedCase),
  });
  const content = new Map([
    [BUNDLE_FILES.observeResult, json(result)],
    [BUNDLE_FILES.productJournal, json(session.journal)],
  ]);
  // The sandbox's password and shared key are published, so no configured secret is looked for; the scan
  // still stops a private key or a live auth header that a product command printed into observe.json.
  return packBundle(outDir, content, body, [], session.signer);
}
