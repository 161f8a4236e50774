/**
 * Reads settings from the environment and an optional `.env` file (the environment wins) and validates
 * them all at once: every bad or missing field is reported together, by variable name, with its fix.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { ClientTls, MailboxSettings, Settings, TargetKind, VariableName } from './settings.ts';
import { mailboxIdFix } from '../protocol/mailbox-id.ts';
import { VARIABLES } from './settings.ts';
import { PTL_CA_BUNDLE, TARGET_URLS, targetDefaults } from './targets.ts';

export interface ConfigProblem {
  variable: VariableName | string;
  problem: string;
  fix: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${p.variable}: ${p.problem}. Fix: ${p.fix}`).join('\n'),
    );
  }
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** The `.env` file to read; `false` reads none. Defaults to `.env` in the working directory. */
  envFile?: string | false;
  /** Variables the caller never reads: left empty, not demanded, when unset (a CLI command and the workflow). */
  unused?: readonly VariableName[];
}

type Source = Record<string, string | undefined>;

/** The merged variables: `.env` first, the process environment over it. Blank values count as unset. */
export function readVariables(options: LoadOptions = {}): Source {
  const env = options.env ?? process.env;
  const file = options.envFile === undefined ? resolve('.env') : options.envFile;
  const fromFile = file && existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  const merged: Source = { ...fromFile };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) merged[k] = v;
  for (const k of Object.keys(merged)) if (merged[k]?.trim() === '') delete merged[k];
  return merged;
}

export function loadSettings(options: LoadOptions = {}): Settings {
  return settingsFrom(readVariables(options), options.unused);
}

export function settingsFrom(vars: Source, unused: readonly VariableName[] = []): Settings {
  const problems: ConfigProblem[] = [];
  const need = (name: VariableName, why: string): string => {
    const value = vars[name];
    if (value === undefined)
      problems.push({ variable: name, problem: `not set (${why})`, fix: `set ${name} to ${VARIABLES[name]}` });
    return value ?? '';
  };
  const existingFile = (name: string): string | undefined => {
    const value = vars[name];
    if (value !== undefined && !existsSync(value)) {
      problems.push({
        variable: name,
        problem: `file "${value}" does not exist`,
        fix: `point ${name} at a readable file, or unset it`,
      });
    }
    return value;
  };
  const mailboxId = (name: VariableName, value: string): string => {
    const fix = value === '' ? undefined : mailboxIdFix(value);
    if (fix)
      problems.push({
        variable: name,
        problem: `"${value}" is not a MESH mailbox id`,
        fix: `${fix}, as in your mailbox letter (for example X26ABC1)`,
      });
    return value;
  };
  const positive = (name: VariableName, fallback: number): number => {
    const raw = vars[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) {
      problems.push({
        variable: name,
        problem: `"${raw}" is not a positive number`,
        fix: `set ${name} to a number such as ${fallback}`,
      });
      return fallback;
    }
    return n;
  };

  const { target, baseUrl } = resolveTarget(vars, problems);
  const defaults = targetDefaults(target);
  const pick = (name: VariableName, fallback: string | undefined, why: string): string =>
    vars[name] ?? fallback ?? (unused.includes(name) ? '' : need(name, why));

  const tlsFor = (prefix: 'MESH_' | 'MESH_PEER_', fallback?: ClientTls): ClientTls => {
    const own: ClientTls = {
      certPath: existingFile(`${prefix}CLIENT_CERT`),
      keyPath: existingFile(`${prefix}CLIENT_KEY`),
      keyPassphrase: vars[`${prefix}CLIENT_KEY_PASSPHRASE`],
      pfxPath: existingFile(`${prefix}CLIENT_PFX`),
    };
    const anyOwn = Object.values(own).some((v) => v !== undefined);
    const tls = anyOwn || !fallback ? own : fallback;
    const label = `${prefix}CLIENT`;
    if (tls.pfxPath && (tls.certPath || tls.keyPath)) {
      problems.push({
        variable: `${label}_PFX`,
        problem: 'set together with a PEM certificate or key',
        fix: `use either ${label}_PFX or ${label}_CERT with ${label}_KEY, not both`,
      });
    }
    if (!tls.pfxPath && Boolean(tls.certPath) !== Boolean(tls.keyPath)) {
      const missing = tls.certPath ? `${label}_KEY` : `${label}_CERT`;
      problems.push({
        variable: missing,
        problem: 'not set, but its pair is',
        fix: `set ${missing} too: a certificate needs its private key`,
      });
    }
    if ((target === 'int' || target === 'dep') && !tls.pfxPath && !tls.certPath && prefix === 'MESH_') {
      problems.push({
        variable: `${label}_CERT`,
        problem: `not set (the ${target} environment requires a client TLS certificate)`,
        fix: `set ${label}_CERT and ${label}_KEY, or ${label}_PFX; "mesh-assure csr" makes the key and CSR`,
      });
    }
    return tls;
  };

  const sut: MailboxSettings = {
    mailboxId: mailboxId(
      'MESH_MAILBOX_ID',
      pick('MESH_MAILBOX_ID', defaults?.sut, 'the system under test needs a mailbox'),
    ),
    password: pick('MESH_MAILBOX_PASSWORD', defaults?.password, 'the mailbox password signs every request'),
    tls: tlsFor('MESH_'),
  };
  const peerId = vars.MESH_PEER_MAILBOX_ID ?? defaults?.peer;
  const peer: MailboxSettings =
    peerId === undefined
      ? sut
      : {
          mailboxId: mailboxId('MESH_PEER_MAILBOX_ID', peerId),
          password: pick('MESH_PEER_MAILBOX_PASSWORD', defaults?.password, 'MESH_PEER_MAILBOX_ID is set'),
          tls: tlsFor('MESH_PEER_', sut.tls),
        };
  const dormant = vars.MESH_DORMANT_MAILBOX_ID ?? defaults?.dormant;

  const caCertPath = existingFile('MESH_CA_CERT') ?? (target === 'int' || target === 'dep' ? PTL_CA_BUNDLE : undefined);
  const drainRaw = vars.MESH_DRAIN;
  if (drainRaw !== undefined && drainRaw !== '0' && drainRaw !== '1') {
    problems.push({
      variable: 'MESH_DRAIN',
      problem: `"${drainRaw}" is neither 0 nor 1`,
      fix: 'set MESH_DRAIN=1 to let a run acknowledge messages it did not create, or unset it',
    });
  }

  const settings: Settings = {
    target,
    baseUrl,
    sharedKey: pick('MESH_SHARED_KEY', defaults?.sharedKey, 'it signs every request'),
    workflowId: pick('MESH_WORKFLOW_ID', defaults?.workflowId, 'test messages need a workflow your mailboxes may use'),
    odsCode: vars.MESH_ODS_CODE ?? defaults?.odsCode,
    sut,
    peer,
    peerIsSut: peer === sut,
    dormantMailboxId: dormant === undefined ? undefined : mailboxId('MESH_DORMANT_MAILBOX_ID', dormant),
    caCertPath,
    product: { name: vars.MESH_PRODUCT_NAME, version: vars.MESH_PRODUCT_VERSION, rfc: vars.MESH_RFC },
    largeMessageMb: positive('MESH_LARGE_MESSAGE_MB', 210),
    drain: drainRaw === '1',
    requestTimeoutMs: positive('MESH_REQUEST_TIMEOUT_S', 300) * 1000,
    deliveryTimeoutMs: positive('MESH_DELIVERY_TIMEOUT_S', 600) * 1000,
    proxy: proxySetting(vars.MESH_PROXY, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
}

/** MESH_PROXY is `none` or an http(s) proxy URL; anything else is reported without echoing a password. */
function proxySetting(raw: string | undefined, problems: ConfigProblem[]): string | undefined {
  if (raw === undefined || raw.trim() === '' || raw.trim().toLowerCase() === 'none') return raw?.trim() || undefined;
  let ok = false;
  try {
    ok = ['http:', 'https:'].includes(new URL(raw.trim()).protocol);
  } catch {
    ok = false;
  }
  if (!ok)
    problems.push({
      variable: 'MESH_PROXY',
      problem: 'is not an http:// or https:// URL',
      fix: 'set MESH_PROXY=http://host:port (or http://user:password@host:port), or none',
    });
  return raw.trim();
}

function resolveTarget(vars: Source, problems: ConfigProblem[]): { target: TargetKind; baseUrl: string | undefined } {
  const raw = (vars.MESH_TARGET ?? 'sandbox').trim();
  const lower = raw.toLowerCase();
  let target: TargetKind;
  let baseUrl: string | undefined;
  if (lower === 'sandbox' || lower === 'nhs-sandbox') target = lower;
  else if (lower === 'int' || lower === 'dep') {
    target = lower;
    baseUrl = TARGET_URLS[lower];
  } else if (/^https?:\/\//i.test(raw)) {
    target = 'url';
    baseUrl = raw;
  } else {
    problems.push({
      variable: 'MESH_TARGET',
      problem: `"${raw}" is not a known target`,
      fix: 'use sandbox, nhs-sandbox, int, dep, or a base URL starting with https://',
    });
    target = 'sandbox';
  }
  const override = vars.MESH_URL;
  if (override !== undefined) {
    if (!/^https?:\/\//i.test(override)) {
      problems.push({
        variable: 'MESH_URL',
        problem: `"${override}" is not an http(s) URL`,
        fix: 'use a base URL such as https://msg.intspineservices.nhs.uk',
      });
    } else baseUrl = override;
  } else if (target === 'nhs-sandbox') {
    problems.push({
      variable: 'MESH_URL',
      problem: "not set (nhs-sandbox has no fixed address: it is wherever NHS's sandbox was started)",
      fix: 'set MESH_URL to its address, for example http://127.0.0.1:8720 (run.sh 8720), or https://localhost:8721 with MESH_CA_CERT',
    });
  }
  if (baseUrl !== undefined) {
    try {
      const url = new URL(baseUrl);
      if (url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
        problems.push({
          variable: vars.MESH_URL ? 'MESH_URL' : 'MESH_TARGET',
          problem: `${baseUrl} is plain HTTP to another machine`,
          fix: 'use https://; MESH requires TLS',
        });
      }
      baseUrl = `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/messageexchange$/, '')}`;
    } catch {
      problems.push({
        variable: vars.MESH_URL ? 'MESH_URL' : 'MESH_TARGET',
        problem: `"${baseUrl}" is not a valid URL`,
        fix: 'use a base URL such as https://msg.intspineservices.nhs.uk',
      });
    }
  }
  return { target, baseUrl };
}
