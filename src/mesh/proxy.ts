/**
 * Which HTTPS proxy, if any, carries requests to a MESH URL: MESH_PROXY when set (`none` forces a direct
 * connection), otherwise https_proxy / HTTPS_PROXY for https targets unless NO_PROXY matches the host, as
 * curl reads them. The chosen proxy is shown only without its credentials.
 */
import type { ProxyInUse } from './errors.ts';
import { MeshArgumentError } from './errors.ts';

export interface ProxyRoute extends ProxyInUse {
  /** The proxy URL as configured, credentials included: for the dispatcher only, never for output. */
  url: string;
}

export interface ProxyDecision {
  /** Undefined for a direct connection. */
  proxy: ProxyRoute | undefined;
  /** Why, in one line without secrets: for doctor and --verbose output. */
  reason: string;
}

type Env = Record<string, string | undefined>;

/** `meshProxy` is the MESH_PROXY setting; `env` supplies HTTPS_PROXY and NO_PROXY (default: this process's). */
export function chooseProxy(targetUrl: string, meshProxy: string | undefined, env: Env = process.env): ProxyDecision {
  const target = new URL(targetUrl);
  if (meshProxy !== undefined && meshProxy.trim() !== '') {
    if (meshProxy.trim().toLowerCase() === 'none') return { proxy: undefined, reason: 'direct: MESH_PROXY=none' };
    const proxy = route(meshProxy.trim(), 'MESH_PROXY');
    return { proxy, reason: `through ${proxy.display} (MESH_PROXY)` };
  }
  if (target.protocol !== 'https:')
    return { proxy: undefined, reason: `direct: ${target.protocol}// targets use a proxy only when MESH_PROXY is set` };
  const source = env.https_proxy ? 'https_proxy' : env.HTTPS_PROXY ? 'HTTPS_PROXY' : undefined;
  if (!source) return { proxy: undefined, reason: 'direct: no MESH_PROXY or HTTPS_PROXY set' };
  const noProxy = env.no_proxy ?? env.NO_PROXY ?? '';
  const bypass = noProxyMatch(target, noProxy);
  if (bypass) return { proxy: undefined, reason: `direct: ${target.hostname} matches NO_PROXY entry "${bypass}"` };
  const proxy = route(env[source]!.trim(), source);
  return { proxy, reason: `through ${proxy.display} (${source})` };
}

function route(value: string, source: string): ProxyRoute {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    throw new MeshArgumentError(
      `${source} is not a URL: give it as http://host:port (or http://user:password@host:port)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new MeshArgumentError(
      `${source} uses ${url.protocol}//, which is not supported: give an http:// or https:// proxy URL`,
    );
  }
  const display = `${url.protocol}//${url.host}`;
  return { url: url.href, display, source };
}

/** The NO_PROXY entry that sends `target` direct: `*`, a host, a domain suffix (`.nhs.uk` or `nhs.uk`), an optional `:port`. */
function noProxyMatch(target: URL, noProxy: string): string | undefined {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return raw;
    const [, name = entry, entryPort] = /^(.*?)(?::(\d+))?$/.exec(entry) ?? [];
    if (entryPort && entryPort !== port) continue;
    const bare = name.replace(/^\*?\./, '');
    if (host === bare || host.endsWith(`.${bare}`)) return raw;
  }
  return undefined;
}
