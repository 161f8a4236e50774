/**
 * The proxy check: which route the client takes to MESH (MESH_PROXY, HTTPS_PROXY, NO_PROXY), decided as
 * the client decides it, and whether the setting is usable. The "server reachable" check then connects
 * over that route. Never shows the proxy's credentials.
 */
import type { Settings } from '../config/index.ts';
import { chooseProxy, MeshClientError, type ProxyDecision } from '../mesh/index.ts';
import { CHECK, fail, pass, type CheckResult } from './result.ts';

export function checkProxy(
  settings: Settings & { baseUrl: string },
  env: Record<string, string | undefined>,
): { result: CheckResult; route?: ProxyDecision } {
  try {
    const route = chooseProxy(settings.baseUrl, settings.proxy, env);
    return { result: pass(CHECK.proxy, route.reason), route };
  } catch (error) {
    if (error instanceof MeshClientError)
      return { result: fail(CHECK.proxy, error.message, 'fix MESH_PROXY or HTTPS_PROXY') };
    throw error;
  }
}
