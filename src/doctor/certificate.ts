/**
 * The client certificate checks: readable, key matching, MESH common name, validity and chain. They read
 * the identity once, as the MESH client will use it, and judge the report.
 */
import { readFileSync } from 'node:fs';
import { LIVE_CA_BUNDLE, PTL_CA_BUNDLE, type Settings } from '../config/index.ts';
import {
  loadClientIdentity,
  MESH_CN_SUFFIX,
  PkiError,
  verifyChain,
  type ClientIdentityReport,
  type PkiErrorCode,
} from '../pki/index.ts';
import { CHECK, fail, pass, skip, warn, type CheckResult } from './result.ts';

export interface CertificateCheck {
  result: CheckResult;
  /** Present when the certificate and key could be read. */
  identity?: ClientIdentityReport;
  /** Why the checks that judge the identity cannot run, when it is absent. */
  skipReason?: string;
}

const CSR_STEP = 'make a new key and CSR with "mesh-assure csr" and email the CSR to the service desk';
const IDENTITY_SETTINGS = 'MESH_CLIENT_CERT and MESH_CLIENT_KEY (or MESH_CLIENT_PFX)';

export function hasClientCertificate(settings: Settings): boolean {
  return Boolean(settings.sut.tls.pfxPath || settings.sut.tls.certPath);
}

/** The fix for each way reading an identity fails. */
function readFix(code: PkiErrorCode, pfx: boolean): string {
  switch (code) {
    case 'key-passphrase-required':
    case 'key-passphrase-wrong':
    case 'pfx-passphrase-wrong':
      return `set MESH_CLIENT_KEY_PASSPHRASE to the passphrase the ${pfx ? 'PKCS#12 file' : 'private key'} was protected with`;
    case 'pfx-unsupported':
      return 're-export the PKCS#12 file with AES-256 (openssl pkcs12 -export -keypbe AES-256-CBC -certpbe AES-256-CBC), or use PEM files';
    case 'file-unreadable':
      return `check the paths in ${IDENTITY_SETTINGS} and that this user may read them`;
    default:
      return pfx
        ? 'point MESH_CLIENT_PFX at the PKCS#12 file holding your MESH certificate and key'
        : 'point MESH_CLIENT_CERT at the PEM certificate NHS issued and MESH_CLIENT_KEY at the PEM key made with its CSR';
  }
}

export async function checkClientCertificate(settings: Settings, now = new Date()): Promise<CertificateCheck> {
  const name = CHECK.certificateReadable;
  if (!hasClientCertificate(settings)) {
    if (settings.target === 'sandbox' || settings.target === 'nhs-sandbox') {
      const reason =
        settings.target === 'sandbox'
          ? 'the sandbox without --mtls needs no client certificate'
          : "NHS's sandbox asks for no client certificate";
      return { result: skip(name, reason), skipReason: reason };
    }
    const result = warn(
      name,
      'no client certificate is configured; MESH servers require one',
      `set ${IDENTITY_SETTINGS}`,
    );
    return { result, skipReason: 'no client certificate is configured' };
  }
  const pfx = Boolean(settings.sut.tls.pfxPath);
  try {
    const identity = await loadClientIdentity(settings.sut.tls, now);
    const files = pfx ? settings.sut.tls.pfxPath : `${settings.sut.tls.certPath} with ${settings.sut.tls.keyPath}`;
    return { result: pass(name, `${identity.format.toUpperCase()}: ${files}`), identity };
  } catch (error) {
    if (!(error instanceof PkiError)) throw error;
    return {
      result: fail(name, error.message, readFix(error.code, pfx)),
      skipReason: 'the client certificate or key could not be read',
    };
  }
}

export function checkKeyMatches(identity: ClientIdentityReport): CheckResult {
  if (identity.keyMatches) return pass(CHECK.keyMatches, 'the private key belongs to the certificate');
  return fail(
    CHECK.keyMatches,
    `the private key does not belong to the certificate ${identity.certificate.subject}`,
    'set MESH_CLIENT_KEY to the key made together with the CSR this certificate was issued for',
  );
}

export function checkCommonName(
  identity: ClientIdentityReport,
  settings: Pick<Settings, 'sut' | 'odsCode'>,
): CheckResult {
  const name = CHECK.commonName;
  const { commonName, meshName } = identity.certificate;
  const mailboxId = settings.sut.mailboxId;
  const expected = `${mailboxId}.${settings.odsCode ?? '<ODS code>'}${MESH_CN_SUFFIX}`;
  if (!meshName) {
    return fail(
      name,
      `CN "${commonName ?? '(none)'}" does not follow <mailbox>.<ods>${MESH_CN_SUFFIX}`,
      `use a certificate issued for ${expected}; ${CSR_STEP}`,
    );
  }
  if (meshName.mailboxId !== mailboxId) {
    return fail(
      name,
      `CN ${commonName} names mailbox ${meshName.mailboxId}, but MESH_MAILBOX_ID is ${mailboxId}`,
      `use the certificate issued for ${mailboxId}, or set MESH_MAILBOX_ID=${meshName.mailboxId}`,
    );
  }
  if (settings.odsCode === undefined) {
    return warn(
      name,
      `CN ${commonName} names mailbox ${mailboxId}; its ODS code ${meshName.odsCode} was not compared`,
      `set MESH_ODS_CODE=${meshName.odsCode} if that is your organisation's code`,
    );
  }
  if (meshName.odsCode !== settings.odsCode) {
    return fail(
      name,
      `CN ${commonName} names ODS code ${meshName.odsCode}, but MESH_ODS_CODE is ${settings.odsCode}`,
      `use the certificate issued for ${expected}, or correct MESH_ODS_CODE`,
    );
  }
  return pass(name, `CN ${commonName}`);
}

const day = (date: Date): string => date.toISOString().slice(0, 10);

export function checkValidity(identity: ClientIdentityReport): CheckResult {
  const name = CHECK.validity;
  const { status, notBefore, notAfter, daysLeft } = identity.certificate;
  switch (status) {
    case 'expired':
      return fail(name, `expired on ${day(notAfter)}`, `request a new certificate: ${CSR_STEP}`);
    case 'not-yet-valid':
      return fail(
        name,
        `not valid before ${notBefore.toISOString()}`,
        "wait until then, or correct this machine's clock",
      );
    case 'expiring-soon':
      return warn(
        name,
        `expires on ${day(notAfter)}, ${daysLeft} day${daysLeft === 1 ? '' : 's'} left`,
        `request a renewal now: ${CSR_STEP}`,
      );
    default:
      return pass(name, `valid until ${day(notAfter)} (${daysLeft} days left)`);
  }
}

/** The NHS bundles mesh-assure ships: a certificate that chains to the other one is for the wrong environment. */
const NHS_BUNDLES = [
  { path: PTL_CA_BUNDLE, label: 'the shipped NHS PTL G2 chain', environment: 'Path to Live (INT and DEP)' },
  { path: LIVE_CA_BUNDLE, label: 'the shipped NHS live G2 chain', environment: 'live' },
];

const bundleLabel = (path: string): string => NHS_BUNDLES.find((b) => b.path === path)?.label ?? path;

export function checkChain(
  identity: ClientIdentityReport,
  caCertPath: string | undefined,
  now = new Date(),
): CheckResult {
  const name = CHECK.chain;
  if (!caCertPath) return skip(name, 'no CA bundle is configured (MESH_CA_CERT) to verify against');
  const result = verifyChain(identity.certPem, readFileSync(caCertPath), now);
  if (result.ok) return pass(name, `verifies to ${bundleLabel(caCertPath)}: ${result.path.join(' <- ')}`);
  const other = NHS_BUNDLES.find(
    (b) => b.path !== caCertPath && verifyChain(identity.certPem, readFileSync(b.path), now).ok,
  );
  if (other) {
    return fail(
      name,
      `does not verify to ${bundleLabel(caCertPath)} but to ${other.label}: it is a ${other.environment} certificate (wrong environment)`,
      `use the certificate issued for this environment (each environment needs its own), or point MESH_TARGET at ${other.environment}`,
    );
  }
  return fail(
    name,
    `does not verify to ${bundleLabel(caCertPath)}: ${result.message}`,
    'use the certificate the service desk issued for this environment, or set MESH_CA_CERT to the CA bundle that issued it',
  );
}
