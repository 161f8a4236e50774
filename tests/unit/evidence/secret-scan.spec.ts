/** The secret scan stops the packing for each kind of secret, names file, place and kind, never the value. */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { sealBundle } from '../../../src/evidence/bundle.ts';
import { scanForSecrets, SecretFoundError, type KnownSecret } from '../../../src/evidence/secret-scan.ts';
import { writeReproducibleZip } from '../../../src/evidence/zip.ts';
import { sampleManifestBody, sampleSigner } from './samples.ts';

const SECRETS: KnownSecret[] = [
  { kind: 'mailbox password', value: 'Sup3r-Secret-Mailbox-Pw' },
  { kind: 'shared key', value: 'SharedKey-For-INT-0042' },
  { kind: 'key passphrase', value: 'passphrase-of-the-key-77' },
];
const privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const HMAC_HEADER = `NHSMESH X26ABC1:3f1c9a:1:202611241200:${'a1'.repeat(32)}`;

const PLANTS: { kind: string; text: string }[] = [
  ...SECRETS.map((s) => ({ kind: s.kind, text: `{"note": "x ${s.value} y"}` })),
  { kind: 'private key', text: privateKey },
  { kind: 'auth header HMAC', text: `{"authorization": "${HMAC_HEADER}"}` },
];

const file = (text: string) => new Map([['reports/results.json', Buffer.from(`{\n"line": 1,\n${text}\n}`)]]);

for (const plant of PLANTS) {
  test(`planted ${plant.kind}: stops the packing, named by file, line and kind, never shown`, async () => {
    const out = await mkdtemp(join(tmpdir(), 'mesh-scan-'));
    const error = await sealBundle(
      join(out, 'b.zip'),
      file(plant.text),
      sampleManifestBody(),
      SECRETS,
      await sampleSigner(),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SecretFoundError);
    const message = (error as Error).message;
    expect(message).toContain(`reports/results.json: ${plant.kind} at line 3`);
    for (const s of SECRETS) expect(message).not.toContain(s.value);
    expect(message).not.toContain('a1a1a1');
  });
}

test('secrets inside base64 attachments and inside a base64 zip are found', async () => {
  const attachment = Buffer.from(`{"authorization": "${HMAC_HEADER}"}`).toString('base64');
  const zipPath = join(await mkdtemp(join(tmpdir(), 'mesh-scan-')), 'inner.zip');
  await writeReproducibleZip(zipPath, new Map([['report.json', Buffer.from(`{"pw": "${SECRETS[0]!.value}"}`)]]));
  const embeddedZip = (await readFile(zipPath)).toString('base64');
  const html = `<html><body><script>window.a = "${attachment}";\nwindow.z = "data:application/zip;base64,${embeddedZip}";</script></body></html>`;
  const hits = scanForSecrets(new Map([['reports/allure/index.html', Buffer.from(html)]]), SECRETS);
  expect(hits.map((h) => h.kind)).toEqual(['auth header HMAC', 'mailbox password']);
  expect(hits[0]!.where).toMatch(/^base64 data at line 1, column \d+ → line 1, column \d+$/);
  expect(hits[1]!.where).toMatch(/^base64 data at line 2, column \d+ → zip entry report.json → line 1, column 9$/);
});

test('the redacted auth header and published sandbox values are not hits', () => {
  const text = 'NHSMESH X26ABC1:3f1c9a:1:202611241200:<redacted> password TestKey';
  expect(scanForSecrets(new Map([['a.txt', Buffer.from(text)]]), SECRETS)).toEqual([]);
});
