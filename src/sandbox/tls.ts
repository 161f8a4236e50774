/** TLS and mutual TLS: the pki module's throwaway CA, server certificate and per-mailbox client certificates. */
import type { Directory } from './mailboxes.ts';
import type { ResolvedOptions, SandboxTlsMaterial } from './options.ts';
import type { TlsFiles } from './server.ts';

export async function prepareTls(options: ResolvedOptions, directory: Directory): Promise<{ files: TlsFiles; material: SandboxTlsMaterial } | undefined> {
  if (options.tls === 'none') return undefined;
  void directory;
  throw new Error('TLS is not available yet: src/pki is missing');
}
