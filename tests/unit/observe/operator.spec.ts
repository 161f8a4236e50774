/**
 * Operator-prompt mode: observe with no product commands asks an operator to do each step in the product.
 * A pseudo-operator reads each prompt on observe's stdout, does what it asks with the demo product and
 * answers on stdin; the prompts travel from the pack's worker to observe over its local socket, and the
 * cases are judged as in command mode.
 */
import { expect, test } from '@playwright/test';
import { packCliRun } from '../../support/pack-cli-run.ts';

test('an operator answering the prompts through the terminal passes the cases, judged as with commands', async () => {
  test.setTimeout(240_000);
  const run = await packCliRun(
    'observe',
    ['--cases', 'handshake,201,401', '--poll-interval', '1s', '--ack-within', '5s'],
    {
      as: 'operator',
    },
  );
  expect(run.code, run.stderr.slice(-3000)).toBe(0);
  expect(run.prompts.length).toBeGreaterThanOrEqual(3);
  expect(run.prompts).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^send the file \S+ to X26ABC2 on workflow \S+, then press Enter/),
      expect.stringMatching(
        /^run the product's receive so that it downloads and acknowledges every message waiting for X26ABC1 into \S+, then press Enter \(/,
      ),
    ]),
  );
  expect(run.stdout).toMatch(/^Configure the product with:\n {2}MESH_URL=https:\/\/\S+:\d+/m);
  expect(run.manifest).toMatchObject({
    kind: 'witness',
    sut: 'product',
    driven: 'operator',
    target: { kind: 'sandbox' },
  });
  expect(
    Object.fromEntries(run.manifest!.cases.filter((c) => c.result !== 'not-run').map((c) => [c.id, c.result])),
  ).toEqual({ handshake: 'passed', '201': 'passed', '401': 'passed' });
});

test('an operator who answers "no" fails the case: the product could not do the step', async () => {
  test.setTimeout(240_000);
  const run = await packCliRun('observe', ['--cases', '201', '--poll-interval', '1s'], {
    as: 'operator',
    refuse: true,
  });
  expect(run.code).toBe(1);
  expect(run.prompts).toEqual([expect.stringMatching(/^send the file /)]);
  expect(run.manifest!.cases.find((c) => c.id === '201')!.result).toBe('failed');
});
