/** The bundle's parts on their own: reproducible zip, offline check, analytics stripping, comparison, banner. */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { sealBundle } from '../../../src/evidence/bundle.ts';
import { compareCases } from '../../../src/evidence/compare.ts';
import { grepForCases } from '../../../src/pack/runner.ts';
import { assertOffline, hasAnalytics, stripAnalytics } from '../../../src/evidence/offline.ts';
import { injectRehearsalBanner, REHEARSAL_TEXT } from '../../../src/evidence/rehearsal-banner.ts';
import { verifyBundle } from '../../../src/evidence/verify.ts';
import { sampleCase, sampleManifestBody, sampleSigner } from './samples.ts';

const content = () =>
  new Map([
    ['reports/junit.xml', Buffer.from('<testsuites/>')],
    ['reports/playwright/index.html', Buffer.from('<html><body>pw</body></html>')],
  ]);

test('the same inputs give the same zip bytes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mesh-zip-'));
  // The signing time is an input too (the signature carries it, to the second): the same for both, and
  // within the signer certificate's validity, which verify checks.
  const signed = new Date();
  const seal = async (name: string) =>
    sealBundle(join(dir, name), content(), sampleManifestBody(), [], await sampleSigner(), signed);
  const a = await seal('a.zip');
  const b = await seal('b.zip');
  expect(a.sha256).toBe(b.sha256);
  expect(Buffer.compare(await readFile(a.zipPath), await readFile(b.zipPath))).toBe(0);
  expect((await verifyBundle(a.zipPath)).ok).toBe(true);
});

test('a page that loads anything remote stops the packing, naming page and load', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mesh-zip-'));
  for (const html of [
    '<script src="https://cdn.example.org/a.js"></script>',
    '<link rel="stylesheet" href="//fonts.example.org/f.css">',
    '<img src="http://x.example.org/p.png">',
    '<style>@font-face{src:url(https://f.example.org/a.woff2)}</style>',
  ]) {
    const files = new Map([['reports/playwright/index.html', Buffer.from(`<html><body>${html}</body></html>`)]]);
    await expect(sealBundle(join(dir, 'r.zip'), files, sampleManifestBody(), [], await sampleSigner())).rejects.toThrow(
      /reports\/playwright\/index.html: remote/,
    );
  }
  expect(() =>
    assertOffline(
      new Map([
        ['p.html', '<a href="https://digital.nhs.uk">a link is no load</a><img src="data:image/png;base64,AAAA">'],
      ]),
    ),
  ).not.toThrow();
});

test('the analytics tag Allure embeds is stripped, loader and configuration', () => {
  const page = `<head><script>var a=1</script>\n<script async src="https://www.googletagmanager.com/gtag/js?id=G-X"></script>\n<script>\nwindow.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}\ngtag('js', new Date());\n</script></head>`;
  const stripped = stripAnalytics(page);
  expect(hasAnalytics(page)).toBe(true);
  expect(hasAnalytics(stripped)).toBe(false);
  expect(stripped).toContain('<script>var a=1</script>');
});

test('the rehearsal banner goes right after <body>', () => {
  expect(injectRehearsalBanner('<html><body class="x"><div id="root"></div></body></html>')).toMatch(
    new RegExp(`<body class="x"><div id="mesh-assure-rehearsal"[^>]*>${REHEARSAL_TEXT}</div><div id="root">`),
  );
});

test('compare names pass to fail, fail to pass, newly pending, added, removed and large timing changes', () => {
  const before = [
    sampleCase('201', 'passed'),
    sampleCase('401', 'failed'),
    sampleCase('703', 'passed'),
    sampleCase('601', 'passed', 10_000),
    sampleCase('702', 'passed', 100),
    sampleCase('705', 'passed'),
  ];
  const after = [
    sampleCase('201', 'failed'),
    sampleCase('401', 'passed'),
    sampleCase('703', 'pending'),
    sampleCase('601', 'passed', 30_000),
    sampleCase('702', 'passed', 900),
    sampleCase('704', 'passed'),
  ];
  expect(compareCases(before, after).map((c) => [c.id, c.change])).toEqual([
    ['201', 'pass-to-fail'],
    ['401', 'fail-to-pass'],
    ['703', 'newly-pending'],
    ['601', 'slower'],
    ['704', 'added'],
    ['705', 'removed'],
  ]);
});

test('--cases selects by whole tags', () => {
  const grep = new RegExp(grepForCases(['handshake', '20']));
  expect(grep.test('Validate mailbox @handshake')).toBe(true);
  expect(grep.test('201 Send an uncompressed message @201')).toBe(false);
});
