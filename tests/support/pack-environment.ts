import type { RunningSandbox } from '../../src/sandbox/index.ts';

/** The environment for a pack run a test starts: this process's, without what a parent Playwright run sets for its own workers or the developer's MESH settings. */
export function packEnvironment(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean = Object.entries(process.env).filter(
    ([name]) => !/^(PW_|PLAYWRIGHT_|TEST_|MESH_)/.test(name) && name !== 'NODE_OPTIONS',
  );
  return { ...Object.fromEntries(clean), ...env };
}

/** The mailboxes of a second sandbox given to the pack as a URL target. */
export const URL_TARGET_MAILBOXES = { sut: 'X26ABC1', peer: 'X26ABC2', dormant: 'X26ABC3' } as const;
const { sut: SUT, peer: PEER, dormant: DORMANT } = URL_TARGET_MAILBOXES;

/** The settings a supplier would give for INT, pointing at a second sandbox (mutual TLS) started as a URL target. */
export function sandboxAsUrlTarget(sandbox: RunningSandbox): Record<string, string> {
  const tls = sandbox.tls!;
  return {
    MESH_TARGET: sandbox.baseUrl.replace('127.0.0.1', 'localhost'),
    MESH_CA_CERT: tls.caCertPath,
    MESH_SHARED_KEY: sandbox.sharedKey,
    MESH_WORKFLOW_ID: 'MESH_ASSURE_TEST',
    MESH_MAILBOX_ID: SUT,
    MESH_MAILBOX_PASSWORD: 'password',
    MESH_CLIENT_CERT: tls.clients[SUT]!.certPath,
    MESH_CLIENT_KEY: tls.clients[SUT]!.keyPath,
    MESH_PEER_MAILBOX_ID: PEER,
    MESH_PEER_MAILBOX_PASSWORD: 'password',
    MESH_PEER_CLIENT_CERT: tls.clients[PEER]!.certPath,
    MESH_PEER_CLIENT_KEY: tls.clients[PEER]!.keyPath,
    MESH_DORMANT_MAILBOX_ID: DORMANT,
  };
}
