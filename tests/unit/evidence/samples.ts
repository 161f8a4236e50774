/** A small valid manifest body for tests that seal bundles without running the pack. */
import type { CaseResult } from '../../../src/evidence/case-results.ts';
import { MANIFEST_FORMAT, summarise, type ManifestBody } from '../../../src/evidence/manifest.ts';

export function sampleCase(id: string, result: CaseResult['result'], durationMs: number | null = 1000): CaseResult {
  return { id, title: `${id} title`, set: 'Sending', optional: false, result, messageIds: result === 'not-run' ? [] : [`2026112412000000000_${id}`], durationMs, notes: [], playwrightTestId: null };
}

export function sampleManifestBody(cases: CaseResult[] = [sampleCase('201', 'passed')], rehearsal = true): ManifestBody {
  return {
    format: MANIFEST_FORMAT,
    runId: 'run-test',
    rehearsal,
    target: { kind: rehearsal ? 'sandbox' : 'int', url: 'https://127.0.0.1:1' },
    mailboxes: { sut: 'X26ABC1', peer: 'X26ABC2', dormant: null },
    odsCode: 'X26',
    workflowId: 'MESH_ASSURE_TEST',
    certificate: null,
    product: { name: 'Product', version: '1.0' },
    rfc: null,
    tool: { name: 'mesh-assure', version: '0.1.0', node: process.version },
    startedAt: '2026-11-24T12:00:00.000Z',
    finishedAt: '2026-11-24T12:00:10.000Z',
    summary: summarise(cases),
    cases,
    comparison: null,
  };
}
