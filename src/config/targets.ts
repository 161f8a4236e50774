/** Named MESH environments and the server CA each trusts by default. */
import { fileURLToPath } from 'node:url';

export const TARGET_URLS = {
  int: 'https://msg.intspineservices.nhs.uk',
  dep: 'https://msg.depspineservices.nhs.uk',
} as const;

/** NHS's public PTL G2 root and INT sub-CA, shipped with the project. */
export const PTL_CA_BUNDLE = fileURLToPath(new URL('../pki/ca/nhs-ptl-g2-ca-bundle.pem', import.meta.url));
/** NHS's public live G2 root and sub-CA (for doctor's "wrong environment" hints). */
export const LIVE_CA_BUNDLE = fileURLToPath(new URL('../pki/ca/nhs-live-g2-ca-bundle.pem', import.meta.url));

/** The embedded sandbox's fixed identities (documented in the README). */
export const SANDBOX_DEFAULTS = {
  sharedKey: 'TestKey',
  sut: 'X26ABC1',
  peer: 'X26ABC2',
  dormant: 'X26ABC3',
  password: 'password',
  workflowId: 'MESH_ASSURE_TEST',
  odsCode: 'X26',
} as const;

/**
 * NHS England's own MESH sandbox (NHSDigital/mesh-sandbox) as it ships: its mailboxes, password and the
 * shared key its run script sets. TEST_WORKFLOW2 is its one canned workflow whose receivers include every
 * mailbox the pack sends to, so its lookups agree with the pack's traffic (it enforces no workflow on send).
 */
export const NHS_SANDBOX_DEFAULTS = {
  sharedKey: 'TestKey',
  sut: 'X26ABC1',
  peer: 'X26ABC2',
  dormant: 'X26ABC3',
  password: 'password',
  workflowId: 'TEST_WORKFLOW2',
  odsCode: 'X26',
} as const satisfies Record<keyof typeof SANDBOX_DEFAULTS, string>;

/** The identities a target ships with, used for every setting left unset; none for a real environment. */
export function targetDefaults(target: string): Record<keyof typeof SANDBOX_DEFAULTS, string> | undefined {
  if (target === 'sandbox') return SANDBOX_DEFAULTS;
  if (target === 'nhs-sandbox') return NHS_SANDBOX_DEFAULTS;
  return undefined;
}
