/** Builds doctor set-ups: the environment for a running sandbox, and client identities good or broken on disk. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settingsFrom, type Settings } from '../../../src/config/index.ts';
import {
  issueCertificate,
  privateKeyPem,
  writePrivateFile,
  type IssueCertificateOptions,
  type TestCa,
} from '../../../src/pki/index.ts';
import type { RunningSandbox } from '../../../src/sandbox/index.ts';

export const MAILBOX = 'X26ABC1';
export const MESH_CN = `${MAILBOX}.X26.api.mesh-client.nhs.uk`;
const DAY_MS = 86_400_000;

/**
 * The variables of a supplier pointing doctor at `sandbox` with mutual TLS. MESH_TARGET is the URL itself,
 * so the certificate checks apply as they would for INT.
 */
export function sandboxEnv(sandbox: RunningSandbox, overrides: Record<string, string> = {}): Record<string, string> {
  const tls = sandbox.tls!;
  return {
    MESH_TARGET: sandbox.baseUrl,
    MESH_URL: sandbox.baseUrl,
    MESH_CA_CERT: tls.caCertPath,
    MESH_CLIENT_CERT: tls.clients[MAILBOX]!.certPath,
    MESH_CLIENT_KEY: tls.clients[MAILBOX]!.keyPath,
    MESH_MAILBOX_ID: MAILBOX,
    MESH_ODS_CODE: 'X26',
    MESH_MAILBOX_PASSWORD: 'password',
    MESH_SHARED_KEY: sandbox.sharedKey,
    MESH_WORKFLOW_ID: 'MESH_ASSURE_TEST',
    ...overrides,
  };
}

/** A settings loader over exactly these variables, as doctor's CLI would build from the environment. */
export const loaderFor = (vars: Record<string, string>) => (): Settings => settingsFrom(vars);

export interface IdentityFiles {
  certPath: string;
  keyPath: string;
}

export type IdentityOptions = Partial<Omit<IssueCertificateOptions, 'purpose'>> & { passphrase?: string; dir?: string };

/** A client certificate from `ca` (MESH-named for X26ABC1 unless told otherwise) and its key, written to files. */
export async function writeIdentity(ca: TestCa, options: IdentityOptions = {}): Promise<IdentityFiles> {
  const { passphrase, dir = await mkdtemp(join(tmpdir(), 'doctor-id-')), ...issue } = options;
  const issued = await issueCertificate(ca, { purpose: 'client', commonName: MESH_CN, ...issue });
  const files = { certPath: join(dir, 'client.pem'), keyPath: join(dir, 'client.key') };
  await writeFile(files.certPath, issued.certPem);
  await writePrivateFile(files.keyPath, privateKeyPem(issued.privateKey, passphrase));
  return files;
}

export async function writeCaFile(ca: TestCa): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'doctor-ca-')), 'ca.pem');
  await writeFile(path, ca.certPem);
  return path;
}

export const daysFromNow = (days: number): Date => new Date(Date.now() + days * DAY_MS);
