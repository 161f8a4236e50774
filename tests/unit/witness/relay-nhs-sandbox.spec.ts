/**
 * The relay in product mode in front of a MESH server nobody on the team wrote: NHS England's own sandbox
 * over TLS (`MESH_TARGET=nhs-sandbox`, the certificate its run.sh printed as the CA; it asks for no client
 * certificate). `run` starts the relay, the demo product talks to it, and every case passes with every rule
 * judged from the relay's journal, but 703 (that server never expires a message) and 705 (it serves an
 * acknowledged message again), which the `nhs-sandbox` target kind reports not demonstrable.
 */
import { expect, test } from '@playwright/test';
import {
  NHS_SANDBOX_KIT,
  NHS_SANDBOX_MAILBOXES,
  nhsSandboxKitPresent,
  startNhsSandbox,
  type NhsSandbox,
} from '../../support/nhs-sandbox.ts';
import { expectEveryCaseThroughRelay, productRun } from '../../support/product-run.ts';

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

test("through the relay in front of NHS's sandbox, every case it can show passes, judged from the relay journal", async () => {
  server = await startNhsSandbox({ tls: true });
  const { outcome, output } = await productRun([], undefined, {
    env: {
      MESH_TARGET: 'nhs-sandbox',
      MESH_URL: server.baseUrl,
      MESH_CA_CERT: server.caCertPath!,
      ...NHS_SANDBOX_MAILBOXES,
      MESH_DELIVERY_TIMEOUT_S: '30',
    },
  });
  expectEveryCaseThroughRelay(outcome, output, {
    '703': /never expires a message/,
    '705': /serves an acknowledged message again with 200/,
  });
  expect(outcome.get('401')!.passedRules).toEqual(expect.arrayContaining(['ack-after-download', 'no-download-twice']));
});
