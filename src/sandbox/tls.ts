/**
 * TLS and mutual TLS with the pki module's throwaway CA: a server certificate for localhost and 127.0.0.1
 * (plus the listen host), and one MESH-named client certificate per mailbox, kept in `<dataDir>/tls`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SandboxTlsMaterial } from '../pki/index.ts';
import type { Mailboxes } from './mailboxes.ts';
import type { ResolvedOptions } from './options.ts';
import type { ServerTls } from './server.ts';

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

export async function prepareTls(
  options: ResolvedOptions,
  mailboxes: Mailboxes,
): Promise<{ files: ServerTls; material: SandboxTlsMaterial } | undefined> {
  if (options.tls === 'none') return undefined;
  // Loaded only when needed: the X.509 library costs a plain-HTTP sandbox memory for nothing.
  const { writeSandboxTlsMaterial } = await import('../pki/index.ts');
  const material = await writeSandboxTlsMaterial(join(options.dataDir, 'tls'), {
    mailboxes: mailboxes.all().map((m) => ({ mailboxId: m.mailboxId, odsCode: m.odsCode })),
    ...(WILDCARD_HOSTS.has(options.host) ? {} : { hosts: [options.host] }),
  });
  const files: ServerTls = {
    key: await readFile(material.serverKeyPath),
    cert: await readFile(material.serverCertPath),
    ca: await readFile(material.caCertPath),
    requireClientCert: options.tls === 'mtls',
  };
  return { files, material };
}
