/** The catalogue and the pack agree: every case has exactly one test with its title and tag, and nothing else is in the pack. */
import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { CASES, caseTitle } from '../../../src/pack/catalogue.ts';
import { specsOf, type JsonReport } from '../../../src/pack/results.ts';

test('every catalogue case is one witness test with its title and tag, and every witness test is a case', () => {
  // --list loads the pack without running it (no global setup, no sandbox).
  const json = execFileSync('npx', ['playwright', 'test', '--project', 'witness', '--list', '--reporter', 'json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const listed = specsOf(JSON.parse(json) as JsonReport).map((s) => ({ title: s.title, tags: s.tags }));
  const expected = CASES.map((c) => ({ title: caseTitle(c), tags: c.optional ? [c.id, 'optional'] : [c.id] }));
  expect(listed).toEqual(expected);
});

test('catalogue entries are complete and their ids unique', () => {
  expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length);
  for (const c of CASES) {
    expect(c.proves.endsWith('.'), `${c.id} proves one sentence`).toBe(true);
    expect(Object.keys(c.targets).sort(), `${c.id} says how each target shows it`).toEqual([
      'dep',
      'int',
      'nhs-sandbox',
      'sandbox',
      'url',
    ]);
  }
  expect(CASES.filter((c) => c.optional).map((c) => c.id)).toEqual(['202', '402', '501', '502']);
  const items = new Set(CASES.flatMap((c) => [...c.evidence]));
  expect([...items].sort()).toEqual(['acknowledge', 'download', 'handshake', 'send']);
});
