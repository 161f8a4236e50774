/**
 * The relay's own server certificate, from a throwaway CA made the way the sandbox's is (kept and reused
 * in `dir`, so a product is configured once), named for the relay: it is what the product is told to trust.
 */
import { readFile } from 'node:fs/promises';

const RELAY_CA_NAME = 'mesh-assure relay CA';
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

export async function listenerTls(
  dir: string,
  host: string,
): Promise<{ key: Buffer; cert: Buffer; caCertPath: string }> {
  // Loaded only with TLS: the X.509 library costs a plain relay memory for nothing.
  const { writeSandboxTlsMaterial } = await import('../pki/index.ts');
  const material = await writeSandboxTlsMaterial(dir, {
    mailboxes: [],
    caName: RELAY_CA_NAME,
    ...(WILDCARD_HOSTS.has(host) ? {} : { hosts: [host] }),
  });
  return {
    key: await readFile(material.serverKeyPath),
    cert: await readFile(material.serverCertPath),
    caCertPath: material.caCertPath,
  };
}
