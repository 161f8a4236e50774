/**
 * The secrets a run was configured with, for the secret scan: mailbox passwords, the shared key and key
 * passphrases. The embedded sandbox's fixed password and shared key are published in the README, so on the
 * sandbox target they are not secrets (and "password" would match every report's text).
 */
import { SANDBOX_DEFAULTS, type Settings } from '../config/index.ts';
import type { KnownSecret } from './secret-scan.ts';

const PUBLISHED: ReadonlySet<string> = new Set([SANDBOX_DEFAULTS.password, SANDBOX_DEFAULTS.sharedKey]);

export function configuredSecrets(settings: Settings): KnownSecret[] {
  const secrets: KnownSecret[] = [
    { kind: 'mailbox password', value: settings.sut.password },
    { kind: 'mailbox password', value: settings.peer.password },
    { kind: 'shared key', value: settings.sharedKey },
    { kind: 'key passphrase', value: settings.sut.tls.keyPassphrase ?? '' },
    { kind: 'key passphrase', value: settings.peer.tls.keyPassphrase ?? '' },
  ];
  const published = (value: string | Uint8Array) => typeof value === 'string' && settings.target === 'sandbox' && PUBLISHED.has(value);
  return secrets.filter((s) => s.value !== '' && !published(s.value));
}
