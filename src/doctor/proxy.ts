/**
 * The proxy check: which HTTPS proxy the client uses to reach MESH (MESH_PROXY, HTTPS_PROXY, NO_PROXY)
 * and, when there is one, whether it opens a tunnel to MESH. Never shows the proxy's credentials.
 */
import { request } from 'undici';
import type { Settings } from '../config/index.ts';
import { createTransport, describeConnectionFailure, MESH_ERROR_CODES, MeshClientError } from '../mesh/index.ts';
import { CHECK, fail, pass, type CheckResult } from './result.ts';

const PROBE_PATH = '/messageexchange/_ping';

export async function checkProxy(
  settings: Settings & { baseUrl: string },
  env: Record<string, string | undefined> = process.env,
): Promise<CheckResult> {
  let transport;
  try {
    transport = createTransport(settings.baseUrl, {
      tls: settings.sut.tls,
      caCertPath: settings.caCertPath,
      proxy: settings.proxy,
      env,
      connectTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
    });
  } catch (error) {
    if (error instanceof MeshClientError) return fail(CHECK.proxy, error.message, 'fix MESH_PROXY or HTTPS_PROXY');
    throw error;
  }
  const { dispatcher, route } = transport;
  try {
    if (!route.proxy) return pass(CHECK.proxy, route.reason);
    try {
      const res = await request(`${settings.baseUrl}${PROBE_PATH}`, { dispatcher, method: 'GET' });
      await res.body.dump();
      return pass(CHECK.proxy, `${route.reason}: the tunnel to ${new URL(settings.baseUrl).host} opened`);
    } catch (error) {
      const failure = describeConnectionFailure(
        error,
        { operation: 'proxy check', method: 'GET', path: PROBE_PATH, mailboxId: settings.sut.mailboxId },
        settings.baseUrl,
        route.proxy,
      );
      const atProxy = failure.code === MESH_ERROR_CODES.proxy || failure.code === MESH_ERROR_CODES.proxyAuth;
      // A failure past the proxy (TLS, MESH itself) is the later checks' to report.
      if (!atProxy)
        return pass(CHECK.proxy, `${route.reason}: the proxy answered (${failure.code} beyond it, see the TLS check)`);
      return fail(
        CHECK.proxy,
        failure.message,
        failure.code === MESH_ERROR_CODES.proxyAuth
          ? 'put the proxy user and password in the proxy URL'
          : 'check the proxy URL, or NO_PROXY / MESH_PROXY=none to go direct',
      );
    }
  } finally {
    await dispatcher.close();
  }
}
