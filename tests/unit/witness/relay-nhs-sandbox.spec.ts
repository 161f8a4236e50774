/**
 * The relay in product mode in front of a MESH server nobody on the team wrote: NHS England's own sandbox
 * over TLS (`MESH_TARGET=nhs-sandbox`, the certificate its run.sh printed as the CA; it asks for no client
 * certificate). `run` starts the relay, the demo product talks to it, and the cases that need the product's
 * own requests (its handshake) are shown, with every rule judged from the relay's journal.
 */
import { expect, test } from '@playwright/test';
import {
  NHS_SANDBOX_KIT,
  NHS_SANDBOX_MAILBOXES,
  nhsSandboxKitPresent,
  startNhsSandbox,
  type NhsSandbox,
} from '../../support/nhs-sandbox.ts';
import { expectPassedThroughRelay, productRun, RELAY_CASES } from '../../support/product-run.ts';

test.skip(
  !nhsSandboxKitPresent(),
  `NHS's MESH sandbox kit is not at ${NHS_SANDBOX_KIT}: the product is not run through the relay in front of it`,
);
test.describe.configure({ timeout: 420_000 });

let server: NhsSandbox | undefined;

test.afterEach(async () => {
  await server?.stop();
  server = undefined;
});

test("through the relay in front of NHS's sandbox, the product's handshake and sends are judged from the relay journal", async () => {
  server = await startNhsSandbox({ tls: true });
  const { outcome, output } = await productRun([], RELAY_CASES, {
    env: {
      MESH_TARGET: 'nhs-sandbox',
      MESH_URL: server.baseUrl,
      MESH_CA_CERT: server.caCertPath!,
      ...NHS_SANDBOX_MAILBOXES,
      MESH_DELIVERY_TIMEOUT_S: '30',
    },
  });
  expectPassedThroughRelay(outcome, output);
  expect(outcome.get('handshake')!.passedRules).toContain('handshake-once-first');
  expect(outcome.get('401')!.passedRules).toEqual(expect.arrayContaining(['ack-after-download', 'no-download-twice']));
});
