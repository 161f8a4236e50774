/** Product mode is chosen by configuring a product command; its limits are checked, and .env.example documents it. */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import {
  missingCommand,
  OPERATOR_SETTING,
  PRODUCT_COMMANDS,
  PRODUCT_VARIABLES,
  sutMode,
} from '../../../src/pack/product-config.ts';

test('no product command: the reference sut; any one: product mode, with its name, version and limits', () => {
  expect(sutMode({ MESH_PRODUCT_NAME: 'Acme' })).toEqual({ kind: 'reference' });
  const mode = sutMode({
    MESH_PRODUCT_RECEIVE_CMD: ' acme poll {dir} ',
    MESH_PRODUCT_NAME: 'Acme',
    MESH_PRODUCT_VERSION: '2.1',
    MESH_PRODUCT_POLL_INTERVAL_S: '1.5',
  });
  expect(mode).toMatchObject({
    kind: 'product',
    name: 'Acme',
    version: '2.1',
    commands: { receive: 'acme poll {dir}' },
    pollIntervalMs: 1500,
    commandTimeoutMs: 600_000,
  });
  expect(mode.kind === 'product' && missingCommand(mode, 'send')).toMatch(
    /^the product's send command is not configured: set MESH_PRODUCT_SEND_CMD \(or run --product-send-cmd\)/,
  );
});

test("an operator's terminal and no command: product mode, every step the operator's; with commands as well: an error", () => {
  const mode = sutMode({ MESH_PRODUCT_OPERATOR_SOCKET: '/tmp/x/prompts.sock' });
  expect(mode).toMatchObject({ kind: 'product', commands: {}, operator: '/tmp/x/prompts.sock' });
  expect(mode.kind === 'product' && missingCommand(mode, 'download')).toBeUndefined();
  expect(() => sutMode({ MESH_PRODUCT_OPERATOR_SOCKET: '/tmp/x/prompts.sock', MESH_PRODUCT_SEND_CMD: 'x' })).toThrow(
    /^the product has commands \(send\) and an operator's terminal \(MESH_PRODUCT_OPERATOR_SOCKET\): use one/,
  );
});

test('a bad limit is an error naming the variable and what it must be', () => {
  expect(() => sutMode({ MESH_PRODUCT_SEND_CMD: 'x', MESH_PRODUCT_COMMAND_TIMEOUT_S: 'soon' })).toThrow(
    /^MESH_PRODUCT_COMMAND_TIMEOUT_S must be a number of seconds above 0, not "soon"/,
  );
});

test('.env.example documents every product-mode variable with a one-line comment', () => {
  const example = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8').split('\n');
  for (const name of [
    ...Object.values(PRODUCT_COMMANDS).map((c) => c.variable),
    ...Object.keys(PRODUCT_VARIABLES),
    OPERATOR_SETTING.name,
  ]) {
    const at = example.findIndex((line) => line.replace(/^#\s*/, '').startsWith(`${name}=`));
    expect(at, `${name} is in .env.example`).toBeGreaterThan(0);
    expect(example[at - 1], `${name} has a comment above it`).toMatch(/^# \S/);
  }
});
