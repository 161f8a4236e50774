/**
 * `mesh-assure run --operator`: the pack in product mode with an operator at this terminal, on any target.
 * On a URL target (a second sandbox with mutual TLS, as INT would be) the operator's product is pointed at
 * the recording relay, whose settings are shown at the start, and the cases are judged from its journal.
 * 701, which needs a wrong password there, asks the operator to set one for that step. A pseudo-operator answers the prompts through the same channel as observe's (tests/support/pack-cli-run.ts).
 */
import { expect } from '@playwright/test';
import { runCli } from '../cli/run-cli.ts';
import { packCliRun } from '../../support/pack-cli-run.ts';
import { QUICK_PRODUCT_SETTINGS } from '../../support/product-run.ts';
import { test } from '../../support/url-target.ts';

test('run --operator on a URL target: the operator, pointed at the relay, passes handshake, 201, 401 and 701', async ({
  urlTarget,
}) => {
  test.setTimeout(240_000);
  const { settings } = urlTarget;
  const run = await packCliRun(
    'run',
    ['--operator', '--cases', 'handshake,201,401,701'],
    { as: 'operator' },
    { ...settings, ...QUICK_PRODUCT_SETTINGS },
  );
  expect(run.code, run.stderr.slice(-3000)).toBe(0);
  const shown = (name: string) => new RegExp(`^ {2}${name}=(.*)$`, 'm').exec(run.stdout)?.[1];
  expect(shown('MESH_URL'), "the relay's URL, not the target's").toMatch(/^https:\/\/\S+:\d+/);
  expect(shown('MESH_URL')).not.toBe(settings.MESH_TARGET);
  expect(shown('MESH_CA_CERT'), "the relay's CA, not the target's").not.toBe(settings.MESH_CA_CERT);
  expect(shown('MESH_MAILBOX_PASSWORD'), 'off the sandbox the password is never shown').toBe(
    '(as configured for this mailbox)',
  );
  expect(run.manifest).toMatchObject({ kind: 'witness', sut: 'product', driven: 'operator', target: { kind: 'url' } });
  expect(
    Object.fromEntries(run.manifest!.cases.filter((c) => c.result !== 'not-run').map((c) => [c.id, c.result])),
  ).toEqual({ handshake: 'passed', '201': 'passed', '401': 'passed', '701': 'passed' });
  // 701 off the sandbox: the operator is asked for a wrong password for one receive, and never shown one.
  expect(run.prompts).toContainEqual(
    expect.stringMatching(
      /^for this step only, set the product's MESH_MAILBOX_PASSWORD to a wrong value \(any but the right one; put it back afterwards\): run the product's receive /,
    ),
  );
  for (const [id, o] of run.outcome) expect(o.judgedFrom, id).toMatch(/^the recording relay's journal/);
  expect(run.landing).toContain('<dt>Product driven by</dt><dd>an operator at the terminal, who did each step');
});

test('Ctrl-C at the first prompt removes the operator socket and its folder', async ({ urlTarget }) => {
  test.setTimeout(120_000);
  const run = await packCliRun(
    'run',
    ['--operator', '--cases', '201'],
    { as: 'operator', interrupt: true },
    { ...urlTarget.settings, ...QUICK_PRODUCT_SETTINGS },
  );
  expect(run.prompts).toHaveLength(1);
  expect(run.stderr).toContain('mesh-assure run: SIGINT, shutting down');
  expect(run.code).toBe(130);
  expect(run.leftSocketFolders).toEqual([]);
});

const REFUSED: [what: string, args: string[], env: Record<string, string>, stdin: 'pipe' | 'ignore', says: RegExp][] = [
  [
    '--operator with a product command',
    ['--operator', '--product-send-cmd', 'x'],
    {},
    'pipe',
    /operator mode \(--operator or MESH_PRODUCT_OPERATOR=1\) asks a person to do every step, but product commands are configured \(send\)/,
  ],
  [
    'MESH_PRODUCT_OPERATOR=1 with MESH_PRODUCT_RECEIVE_CMD',
    [],
    { MESH_PRODUCT_OPERATOR: '1', MESH_PRODUCT_RECEIVE_CMD: 'x' },
    'pipe',
    /but product commands are configured \(receive\): leave out the product commands/,
  ],
  [
    '--operator with stdin from /dev/null',
    ['--operator'],
    {},
    'ignore',
    /operator mode needs a person at a terminal to answer each step, but stdin is not a terminal \(it is \/dev\/null or a device\): run "mesh-assure run" from a terminal/,
  ],
  [
    'MESH_PRODUCT_OPERATOR=yes',
    [],
    { MESH_PRODUCT_OPERATOR: 'yes' },
    'pipe',
    /MESH_PRODUCT_OPERATOR must be 1 or 0, not "yes": 1: product mode with an operator/,
  ],
  [
    'MESH_PRODUCT_OPERATOR=1 with stdin from /dev/null',
    [],
    { MESH_PRODUCT_OPERATOR: '1' },
    'ignore',
    /operator mode needs a person at a terminal/,
  ],
];

for (const [what, args, env, stdin, says] of REFUSED)
  test(`run: ${what} is refused, saying why`, async () => {
    const run = await runCli(['run', ...args], env, undefined, stdin);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(says);
  });
