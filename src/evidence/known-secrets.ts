/**
 * The secrets a run was configured with, for the secret scan: mailbox passwords, the shared key and key
 * passphrases. The embedded sandbox's and NHS's sandbox's fixed password and shared key are published (in
 * the README, in NHS's), so on those targets they are not secrets (and "password" would match every report's text).
 */
import { targetDefaults, type Settings } from '../config/index.ts';
import type { KnownSecret } from './secret-scan.ts';

export function configuredSecrets(settings: Settings): KnownSecret[] {
  const secrets: KnownSecret[] = [
    { kind: 'mailbox password', value: settings.sut.password },
    { kind: 'mailbox password', value: settings.peer.password },
    { kind: 'shared key', value: settings.sharedKey },
    { kind: 'key passphrase', value: settings.sut.tls.keyPassphrase ?? '' },
    { kind: 'key passphrase', value: settings.peer.tls.keyPassphrase ?? '' },
  ];
  const shipped = targetDefaults(settings.target);
  const published = (value: string | Uint8Array) =>
    typeof value === 'string' && shipped !== undefined && (value === shipped.password || value === shipped.sharedKey);
  return secrets.filter((s) => s.value !== '' && !published(s.value));
}
