/**
 * Doctor's product check, table-driven over real shells and files: which mode a run would take, a
 * configured command whose program the shell cannot find (FAIL naming the variable and the program), and
 * missing commands (WARN naming them). Nothing of the product runs.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { CHECK, checkProductCommands, programOf, type CheckStatus } from '../../../src/doctor/index.ts';
import { demoProductCommands } from '../../support/product-run.ts';

let work: string;
let script: string;
test.beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'doctor-product-'));
  script = join(work, 'my product.sh');
  writeFileSync(script, '#!/bin/sh\n');
  chmodSync(script, 0o755);
});
test.afterAll(() => rmSync(work, { recursive: true, force: true }));

const ROWS: { name: string; vars: () => Record<string, string>; status: CheckStatus; says: RegExp }[] = [
  { name: 'no product commands', vars: () => ({}), status: 'SKIP', says: /^none configured: reference mode/ },
  {
    name: "every command, the demo product's",
    vars: () => Object.fromEntries(Object.values(demoProductCommands(work))),
    status: 'PASS',
    says: /^product mode with every command; programs found for MESH_PRODUCT_SEND_CMD, .*MESH_PRODUCT_DOWNLOAD_CMD$/,
  },
  {
    name: 'a command that starts a subshell, beside found ones',
    vars: () => ({
      ...Object.fromEntries(Object.values(demoProductCommands(work))),
      MESH_PRODUCT_RECEIVE_CMD: '(cd /tmp && ./nowhere receive {dir})',
    }),
    status: 'PASS',
    says: /; not checked, as they start with shell syntax: MESH_PRODUCT_RECEIVE_CMD$/,
  },
  {
    name: 'a quoted path with a space, after an assignment',
    vars: () => ({ MESH_PRODUCT_RECEIVE_CMD: `LOG=1 "${script}" receive {dir}` }),
    status: 'WARN',
    says: /not set: MESH_PRODUCT_SEND_CMD, MESH_PRODUCT_SEND_GZIP_CMD, MESH_PRODUCT_DOWNLOAD_CMD \(the cases/,
  },
  {
    name: 'a misspelt program',
    vars: () => ({ MESH_PRODUCT_SEND_CMD: 'my-prodct send {file} --to {to}', MESH_PRODUCT_RECEIVE_CMD: 'true' }),
    status: 'FAIL',
    says: /^not found by the shell: MESH_PRODUCT_SEND_CMD starts "my-prodct"$/,
  },
  {
    name: 'a path that is not there',
    vars: () => ({ MESH_PRODUCT_DOWNLOAD_CMD: `${work}/bin/nope {id}` }),
    status: 'FAIL',
    says: /MESH_PRODUCT_DOWNLOAD_CMD starts ".*\/bin\/nope"/,
  },
  {
    name: 'an operator instead of commands',
    vars: () => ({ MESH_PRODUCT_OPERATOR: '1' }),
    status: 'PASS',
    says: /^operator mode \(MESH_PRODUCT_OPERATOR=1\)/,
  },
  {
    name: 'an operator and commands',
    vars: () => ({ MESH_PRODUCT_OPERATOR: '1', MESH_PRODUCT_SEND_CMD: 'true' }),
    status: 'FAIL',
    says: /asks a person to do every step, but product commands are configured too/,
  },
  {
    name: 'an operator setting that is neither 1 nor 0',
    vars: () => ({ MESH_PRODUCT_OPERATOR: 'yes' }),
    status: 'FAIL',
    says: /^MESH_PRODUCT_OPERATOR must be 1 or 0, not "yes"/,
  },
  {
    name: 'a poll interval that is not a number',
    vars: () => ({ MESH_PRODUCT_SEND_CMD: 'true', MESH_PRODUCT_POLL_INTERVAL_S: 'often' }),
    status: 'FAIL',
    says: /MESH_PRODUCT_POLL_INTERVAL_S must be a number of seconds above 0, not "often"/,
  },
];

for (const row of ROWS) {
  test(`doctor's product check: ${row.name}`, () => {
    const result = checkProductCommands({ PATH: process.env.PATH, ...row.vars() });
    expect(result.name).toBe(CHECK.productCommands);
    expect(result.status, result.detail).toBe(row.status);
    expect(result.detail).toMatch(row.says);
  });
}

test('the program of a command line is its first word after assignments, unquoted', () => {
  expect(programOf('my-product send {file}')).toBe('my-product');
  expect(programOf(`A=1 B='x y' "/opt/my product/run" --go`)).toBe('/opt/my product/run');
  expect(programOf("'./my tool' receive")).toBe('./my tool');
  expect(programOf('   ')).toBeUndefined();
  for (const syntax of ['(cd x && y)', '{ y; }', 'if true; then y; fi', '$PRODUCT send', '! y'])
    expect(programOf(syntax), syntax).toBeUndefined();
});
