/** What one doctor check reports: a status, one line of detail, and what to do about it. */

export type CheckStatus = 'PASS' | 'WARN' | 'FAIL' | 'SKIP';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  /** One line; never a secret (password, shared key, key material, passphrase). */
  detail: string;
  fix?: string;
}

/** The checks in the order they run and print. */
export const CHECK = {
  configuration: 'configuration',
  productCommands: 'product commands',
  certificateReadable: 'client certificate and key readable',
  keyMatches: 'key matches certificate',
  commonName: 'certificate common name',
  validity: 'certificate validity',
  chain: 'certificate chain',
  proxy: 'proxy',
  reachable: 'server reachable',
  tls: 'TLS handshake',
  meshHandshake: 'MESH handshake',
  clock: 'server clock',
  serverKind: 'server kind',
  workflow: 'workflow association',
} as const;

export type CheckName = (typeof CHECK)[keyof typeof CHECK];

export const pass = (name: CheckName, detail: string): CheckResult => ({ name, status: 'PASS', detail });
export const warn = (name: CheckName, detail: string, fix: string): CheckResult => ({
  name,
  status: 'WARN',
  detail,
  fix,
});
export const fail = (name: CheckName, detail: string, fix: string): CheckResult => ({
  name,
  status: 'FAIL',
  detail,
  fix,
});
export const skip = (name: CheckName, reason: string): CheckResult => ({ name, status: 'SKIP', detail: reason });

export const anyFailed = (results: CheckResult[]): boolean => results.some((r) => r.status === 'FAIL');
