/**
 * What a product-mode bundle must hold of the journal its product was judged from: reports/journal.jsonl,
 * one redacted entry a line, listed in the manifest and MANIFEST.sha256, and every proving request of every
 * case's verdicts pointing at the entry that is that request.
 */
import { expect } from '@playwright/test';
import { sha256 } from '../../src/evidence/checksums.ts';
import { PRODUCT_RULES_ATTACHMENT } from '../../src/evidence/case-results.ts';
import { BUNDLE_FILES, type Manifest } from '../../src/evidence/index.ts';
import { scanForSecrets } from '../../src/evidence/secret-scan.ts';
import { specsOf, type JsonReport } from '../../src/pack/results.ts';
import type { JournalEntry } from '../../src/sandbox/index.ts';

/** `files`: the bundle's entries by path. Returns the journal's entries. */
export function expectJudgedJournal(files: ReadonlyMap<string, Uint8Array>, sutMailbox: string): JournalEntry[] {
  const path = BUNDLE_FILES.judgedJournal;
  const data = files.get(path);
  expect(data, `${path} in the bundle`).toBeDefined();
  const entries = Buffer.from(data!)
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as JournalEntry);
  expect(entries.length, 'journal entries').toBeGreaterThan(0);
  expect(new Set(entries.map((e) => e.mailbox))).toEqual(new Set([sutMailbox]));
  // Redacted as the journal redacts: no Authorization header, and nothing the secret scan's patterns find.
  expect(entries.filter((e) => 'authorization' in e.headers)).toEqual([]);
  expect(scanForSecrets(new Map([[path, data!]]), [])).toEqual([]);

  const manifest = JSON.parse(Buffer.from(files.get(BUNDLE_FILES.manifest)!).toString('utf8')) as Manifest;
  expect(manifest.files.find((f) => f.path === path)).toEqual({ path, bytes: data!.byteLength, sha256: sha256(data!) });
  expect(Buffer.from(files.get(BUNDLE_FILES.checksums)!).toString('utf8')).toContain(`${sha256(data!)}  ${path}\n`);

  const report = JSON.parse(Buffer.from(files.get(BUNDLE_FILES.results)!).toString('utf8')) as JsonReport;
  for (const spec of specsOf(report)) {
    const attached = spec.tests[0]!.results.at(-1)!.attachments.find((a) => a.name === PRODUCT_RULES_ATTACHMENT);
    if (!attached?.body) continue;
    const rules = JSON.parse(Buffer.from(attached.body, 'base64').toString('utf8')) as {
      journal: string;
      verdicts: { requests: string[]; journalIndex: number[] }[];
    };
    expect(rules.journal, spec.title).toBe(path);
    const proving = rules.verdicts.flatMap((v) => v.journalIndex.map((i, n) => [i, v.requests[n]] as const));
    for (const [i, request] of proving) {
      const e = entries[i];
      expect(e && `#${i} ${e.method} ${e.path} ${e.status}`, `${spec.title}: journal entry ${i}`).toBe(request);
    }
    const id = spec.tags.find((t) => t !== '@optional')!.replace(/^@/, '');
    expect(manifest.cases.find((c) => c.id === id)!.journalRequests, spec.title).toEqual(
      [...new Set(proving.map(([i]) => i))].sort((a, b) => a - b),
    );
  }
  return entries;
}
