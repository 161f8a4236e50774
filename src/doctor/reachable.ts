/**
 * The "server reachable" check, over the route the client would take: a TCP connection straight to MESH,
 * or a CONNECT tunnel through the proxy chosen from MESH_PROXY / HTTPS_PROXY / NO_PROXY. The detail names
 * the route; proxy credentials are sent to the proxy and never shown.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { ProxyDecision, ProxyRoute } from '../mesh/index.ts';
import { CHECK, fail, pass, type CheckResult } from './result.ts';

const CONNECT_TIMEOUT_MS = 10_000;

interface Endpoint {
  host: string;
  port: number;
  /** host:port as a CONNECT request names it (IPv6 in brackets). */
  authority: string;
}

function endpointOf(baseUrl: string): Endpoint {
  const url = new URL(baseUrl);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port, authority: `${url.hostname}:${port}` };
}

/** Connects to `baseUrl` the way `route` says the client would, and reports which way that was. */
export async function checkServerReachable(baseUrl: string, route: ProxyDecision): Promise<CheckResult> {
  const target = endpointOf(baseUrl);
  return route.proxy ? tunnelThrough(route.proxy, target) : direct(target);
}

async function direct(target: Endpoint): Promise<CheckResult> {
  const where = target.authority;
  const code = await new Promise<string | undefined>((resolve) => {
    const socket = connect({ host: target.host, port: target.port, timeout: CONNECT_TIMEOUT_MS });
    const done = (failure?: string) => {
      socket.destroy();
      resolve(failure);
    };
    socket.once('connect', () => done());
    socket.once('timeout', () => done('ETIMEDOUT'));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? 'error'));
  });
  const name = CHECK.reachable;
  switch (code) {
    case undefined:
      return pass(name, `TCP connection to ${where} (direct, no proxy)`);
    case 'ECONNREFUSED':
      return fail(
        name,
        `nothing is listening at ${where} (connection refused)`,
        'check MESH_TARGET / MESH_URL, or start the sandbox with "mesh-assure sandbox"',
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return fail(name, `the host name ${target.host} does not resolve`, 'check MESH_URL and your DNS');
    case 'ETIMEDOUT':
      return fail(
        name,
        `no answer from ${where} within ${CONNECT_TIMEOUT_MS / 1000} s`,
        'check the URL, and that a firewall lets this machine reach the port (or set HTTPS_PROXY / MESH_PROXY)',
      );
    default:
      return fail(name, `cannot connect to ${where} (${code})`, 'check the URL and your network');
  }
}

type TunnelOutcome = { status: number } | { code: string };

async function tunnelThrough(proxy: ProxyRoute, target: Endpoint): Promise<CheckResult> {
  const outcome = await openTunnel(proxy, target);
  const name = CHECK.reachable;
  const via = `the proxy ${proxy.display} (from ${proxy.source})`;
  if ('code' in outcome) {
    return fail(
      name,
      `${via} could not be reached (${outcome.code})`,
      'check the proxy URL, or NO_PROXY / MESH_PROXY=none to go direct',
    );
  }
  const { status } = outcome;
  if (status >= 200 && status < 300) return pass(name, `tunnel to ${target.authority} through ${via} opened`);
  // 407 is the standard answer; some proxies (tinyproxy) answer a CONNECT with wrong credentials 401.
  if (status === 407 || status === 401) {
    return fail(
      name,
      `${via} wants credentials it did not get or did not accept (${status})`,
      'put the proxy user and password in the proxy URL',
    );
  }
  // A proxy answers 5xx when it could not reach MESH itself, 403 when its rules refuse the host or port.
  const fix =
    status >= 500
      ? `check MESH_URL: the proxy could not connect to ${target.authority}`
      : `ask the proxy's administrators to allow CONNECT to ${target.authority}, or NO_PROXY / MESH_PROXY=none to go direct`;
  return fail(name, `${via} refused to open a tunnel to ${target.authority} (it answered ${status})`, fix);
}

/** One CONNECT request to the proxy; the tunnel is closed as soon as the proxy has answered. */
function openTunnel(proxy: ProxyRoute, target: Endpoint): Promise<TunnelOutcome> {
  const url = new URL(proxy.url);
  const at = endpointOf(proxy.url);
  const headers: Record<string, string> = { host: target.authority };
  if (url.username || url.password) {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  const options = {
    host: at.host,
    port: at.port,
    method: 'CONNECT',
    path: target.authority,
    headers,
    timeout: CONNECT_TIMEOUT_MS,
    agent: false,
  } as const;
  return new Promise((resolve) => {
    const req: ClientRequest = url.protocol === 'https:' ? httpsRequest(options) : httpRequest(options);
    req.once('connect', (res: IncomingMessage, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0 });
    });
    // A proxy that refuses without tunnelling may answer as to a plain request.
    req.once('response', (res: IncomingMessage) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
      req.destroy();
    });
    req.once('timeout', () => {
      resolve({ code: 'ETIMEDOUT' });
      req.destroy();
    });
    req.once('error', (error: NodeJS.ErrnoException) => resolve({ code: error.code ?? 'error' }));
    req.end();
  });
}
