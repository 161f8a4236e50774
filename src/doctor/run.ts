/**
 * Runs every check in order. A check whose inputs an earlier check could not provide is SKIP with the
 * reason, so the first FAIL is the one to fix and nothing after it adds noise.
 */
import { readVariables, type Settings } from '../config/index.ts';
import { checkChain, checkClientCertificate, checkCommonName, checkKeyMatches, checkValidity } from './certificate.ts';
import { checkConfiguration } from './configuration.ts';
import { checkProductCommands } from './product-commands.ts';
import { checkProxy } from './proxy.ts';
import { CHECK, skip, type CheckName, type CheckResult } from './result.ts';
import { checkServerReachable } from './reachable.ts';
import { checkMeshHandshake, checkServerClock, checkTls, probeServer } from './server.ts';
import { checkServerKind } from './server-kind.ts';
import { checkWorkflowAssociation } from './workflow.ts';

export interface DoctorOptions {
  /** The time certificates are judged at; the clock check always uses the real time of its request. */
  now?: Date;
  /** Where HTTPS_PROXY and NO_PROXY are read, as the client reads them (default: this process's environment). */
  env?: Record<string, string | undefined>;
  /** The settings' variables the product check reads (default: this process's environment over `.env`). */
  variables?: Record<string, string | undefined>;
}

const CERTIFICATE_DETAILS: CheckName[] = [CHECK.keyMatches, CHECK.commonName, CHECK.validity, CHECK.chain];
const SERVER_CHECKS: CheckName[] = [CHECK.tls, CHECK.meshHandshake, CHECK.clock, CHECK.serverKind, CHECK.workflow];

const skipAll = (names: CheckName[], reason: string): CheckResult[] => names.map((name) => skip(name, reason));

export async function runDoctor(load: () => Settings, options: DoctorOptions = {}): Promise<CheckResult[]> {
  const now = options.now ?? new Date();
  const configuration = checkConfiguration(load);
  const product = checkProductCommands(options.variables ?? readVariables());
  const settings = configuration.settings;
  if (!settings) {
    return [
      ...configuration.results,
      product,
      ...skipAll(
        [CHECK.certificateReadable, ...CERTIFICATE_DETAILS, CHECK.proxy, CHECK.reachable, ...SERVER_CHECKS],
        'the configuration is incomplete',
      ),
    ];
  }
  const results = [...configuration.results, product];

  const certificate = await checkClientCertificate(settings, now);
  results.push(certificate.result);
  const identity = certificate.identity;
  if (identity) {
    results.push(
      checkKeyMatches(identity),
      checkCommonName(identity, settings),
      checkValidity(identity),
      checkChain(identity, settings.caCertPath, now),
    );
  } else {
    results.push(...skipAll(CERTIFICATE_DETAILS, certificate.skipReason ?? 'no client certificate'));
  }

  const baseUrl = settings.baseUrl;
  if (!baseUrl)
    return [
      ...results,
      ...skipAll([CHECK.proxy, CHECK.reachable, ...SERVER_CHECKS], 'no server URL (set MESH_TARGET or MESH_URL)'),
    ];
  const target = { ...settings, baseUrl };
  const env = options.env ?? process.env;
  const proxy = checkProxy(target, env);
  results.push(proxy.result);
  if (!proxy.route)
    return [...results, ...skipAll([CHECK.reachable, ...SERVER_CHECKS], 'the proxy setting is unusable')];
  const reachable = await checkServerReachable(baseUrl, proxy.route);
  results.push(reachable);
  if (reachable.status === 'FAIL') return [...results, ...skipAll(SERVER_CHECKS, 'the server is not reachable')];
  if (certificate.result.status === 'FAIL' || identity?.keyMatches === false) {
    return [...results, ...skipAll(SERVER_CHECKS, 'the client certificate and key cannot be used together')];
  }

  const probe = await probeServer(target, env);
  const tls = checkTls(target, probe);
  results.push(tls);
  const handshake =
    tls.status === 'FAIL'
      ? skip(CHECK.meshHandshake, 'the TLS connection failed')
      : await checkMeshHandshake(target, env);
  results.push(handshake, checkServerClock(probe));
  results.push(
    tls.status === 'FAIL' ? skip(CHECK.serverKind, 'the TLS connection failed') : await checkServerKind(target, env),
  );
  results.push(
    handshake.status === 'PASS'
      ? await checkWorkflowAssociation(target, { env })
      : skip(CHECK.workflow, 'the MESH handshake did not pass'),
  );
  return results;
}
