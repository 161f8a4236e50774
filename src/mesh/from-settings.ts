/** Builds the client for one mailbox role from the validated settings. */
import type { MailboxSettings, Settings } from '../config/index.ts';
import { MeshClient, type MeshClientOptions } from './client.ts';

export type ClientOverrides = Partial<Omit<MeshClientOptions, 'mailboxId' | 'password' | 'sharedKey'>>;

export function clientFor(settings: Settings, mailbox: MailboxSettings, overrides: ClientOverrides = {}): MeshClient {
  const baseUrl = overrides.baseUrl ?? settings.baseUrl;
  if (!baseUrl)
    throw new Error(
      'no MESH base URL: set MESH_TARGET or MESH_URL (for a running sandbox, for example MESH_URL=http://127.0.0.1:8700)',
    );
  return new MeshClient({
    requestTimeoutMs: settings.requestTimeoutMs,
    ...(settings.caCertPath ? { caCertPath: settings.caCertPath } : {}),
    tls: mailbox.tls,
    ...(settings.proxy ? { proxy: settings.proxy } : {}),
    ...overrides,
    baseUrl,
    mailboxId: mailbox.mailboxId,
    password: mailbox.password,
    sharedKey: settings.sharedKey,
  });
}
