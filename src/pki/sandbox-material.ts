/**
 * The TLS files the embedded sandbox serves with and its clients present: a throwaway CA, a server
 * certificate for the local host names, and one MESH-named client certificate per mailbox.
 *
 * Files already in the folder are reused while they are still good (signed by the CA on disk, key
 * matching, names right, more than a day left), so a restarted sandbox keeps working with clients that
 * loaded the earlier files; only what is missing or stale is issued again.
 */
import { createPrivateKey, type X509Certificate as NodeCertificate } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { writeFileAtomic, writePrivateFile } from './files.ts';
import { inspectCertificate, parseCertificate } from './inspect.ts';
import { meshCommonName } from './naming.ts';
import { createTestCa, issueCertificate, loadTestCa, type IssueCertificateOptions, type TestCa } from './test-ca.ts';

export const SANDBOX_CA_NAME = 'mesh-assure sandbox CA';
const DEFAULT_HOSTS = ['localhost', '127.0.0.1'];
const MINIMUM_REMAINING_MS = 86_400_000;

export interface SandboxTlsOptions {
  mailboxes: { mailboxId: string; odsCode: string }[];
  /** Extra DNS names or IP addresses for the server certificate, beside localhost and 127.0.0.1. */
  hosts?: string[];
  /** The CA's common name, as a product's trust store shows it (the sandbox's by default). */
  caName?: string;
}

export interface SandboxTlsMaterial {
  caCertPath: string;
  serverCertPath: string;
  serverKeyPath: string;
  /** Keyed by mailbox id. */
  clients: Record<string, { certPath: string; keyPath: string; commonName: string }>;
}

interface PemPair {
  certPath: string;
  keyPath: string;
}

async function readPair(pair: PemPair): Promise<{ certPem: string; keyPem: string } | undefined> {
  try {
    return { certPem: await readFile(pair.certPath, 'utf8'), keyPem: await readFile(pair.keyPath, 'utf8') };
  } catch {
    return undefined;
  }
}

/** Still good for more than a day, with its key, and (for a leaf) signed by `issuer`. */
function stillGood(certPem: string, keyPem: string, issuer?: NodeCertificate): NodeCertificate | undefined {
  try {
    const certificate = parseCertificate(certPem);
    const now = Date.now();
    const current =
      new Date(certificate.validFrom).getTime() <= now &&
      new Date(certificate.validTo).getTime() - now > MINIMUM_REMAINING_MS;
    const signed = !issuer || (certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey));
    return current && signed && certificate.checkPrivateKey(createPrivateKey(keyPem)) ? certificate : undefined;
  } catch {
    return undefined;
  }
}

async function writePair(pair: PemPair, material: { certPem: string; keyPem: string }): Promise<void> {
  // Key first: a reader that sees the new certificate finds its key already in place.
  await writePrivateFile(pair.keyPath, material.keyPem);
  await writeFileAtomic(pair.certPath, material.certPem);
}

async function sandboxCa(pair: PemPair, commonName: string): Promise<TestCa> {
  const existing = await readPair(pair);
  if (existing && stillGood(existing.certPem, existing.keyPem)) return loadTestCa(existing.certPem, existing.keyPem);
  const ca = await createTestCa({ commonName });
  await writePair(pair, ca);
  return ca;
}

/** Reuses the leaf at `pair` when it is still good and `fits`; issues and writes a new one otherwise. */
async function ensureLeaf(
  ca: TestCa,
  pair: PemPair,
  options: IssueCertificateOptions,
  fits: (certificate: NodeCertificate) => boolean,
): Promise<void> {
  const existing = await readPair(pair);
  const reusable = existing && stillGood(existing.certPem, existing.keyPem, parseCertificate(ca.certPem));
  if (reusable && fits(reusable)) return;
  await writePair(pair, await issueCertificate(ca, options));
}

const coversHost = (certificate: NodeCertificate, host: string): boolean =>
  (isIP(host) ? certificate.checkIP(host) : certificate.checkHost(host)) !== undefined;

export async function writeSandboxTlsMaterial(dir: string, options: SandboxTlsOptions): Promise<SandboxTlsMaterial> {
  await mkdir(join(dir, 'clients'), { recursive: true });
  const ca = await sandboxCa(
    { certPath: join(dir, 'ca.pem'), keyPath: join(dir, 'ca.key') },
    options.caName ?? SANDBOX_CA_NAME,
  );

  const hosts = [...new Set([...DEFAULT_HOSTS, ...(options.hosts ?? [])])];
  const server = { certPath: join(dir, 'server.pem'), keyPath: join(dir, 'server.key') };
  await ensureLeaf(ca, server, { purpose: 'server', commonName: hosts[0]!, altNames: hosts }, (certificate) =>
    hosts.every((host) => coversHost(certificate, host)),
  );

  const clients: SandboxTlsMaterial['clients'] = {};
  for (const { mailboxId, odsCode } of options.mailboxes) {
    const commonName = meshCommonName(mailboxId, odsCode);
    const pair = {
      certPath: join(dir, 'clients', `${mailboxId}.pem`),
      keyPath: join(dir, 'clients', `${mailboxId}.key`),
    };
    await ensureLeaf(
      ca,
      pair,
      { purpose: 'client', commonName },
      (certificate) => inspectCertificate(certificate.toString()).commonName === commonName,
    );
    clients[mailboxId] = { ...pair, commonName };
  }
  return { caCertPath: join(dir, 'ca.pem'), serverCertPath: server.certPath, serverKeyPath: server.keyPath, clients };
}
