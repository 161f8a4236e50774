/** The relay's own server certificate, from the throwaway CA the sandbox uses (kept and reused in `dir`). */
import { readFile } from 'node:fs/promises';

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

export async function listenerTls(
  dir: string,
  host: string,
): Promise<{ key: Buffer; cert: Buffer; caCertPath: string }> {
  // Loaded only with TLS: the X.509 library costs a plain relay memory for nothing.
  const { writeSandboxTlsMaterial } = await import('../pki/index.ts');
  const material = await writeSandboxTlsMaterial(dir, {
    mailboxes: [],
    ...(WILDCARD_HOSTS.has(host) ? {} : { hosts: [host] }),
  });
  return {
    key: await readFile(material.serverKeyPath),
    cert: await readFile(material.serverCertPath),
    caCertPath: material.caCertPath,
  };
}
