/**
 * The server checks (reachability is src/doctor/reachable.ts): TLS (one unauthenticated request over the same TLS set-up the client
 * uses, so a refused client certificate shows here and not as a MESH error), the MESH handshake itself,
 * and the server's clock from that request's Date header.
 */
import { request } from 'undici';
import type { Settings } from '../config/index.ts';
import {
  clientFor,
  createTransport,
  describeConnectionFailure,
  MeshConnectionError,
  MeshError,
} from '../mesh/index.ts';
import { hasClientCertificate } from './certificate.ts';
import { CHECK, fail, pass, skip, warn, type CheckResult } from './result.ts';

const CONNECT_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** The real service rejects tokens whose timestamp is more than this from its own time. */
const TOKEN_WINDOW_MS = 2 * 60 * 60 * 1000;
const CLOCK_WARN_MS = 5 * 60 * 1000;
const PROBE_PATH = '/messageexchange/_ping';

export type ServerProbe =
  | { ok: true; status: number; date: string | undefined; sentAt: Date; receivedAt: Date }
  | { ok: false; error: MeshConnectionError };

/** One GET of the unauthenticated ping route with the client's own TLS settings (CA bundle, client certificate). */
export async function probeServer(
  settings: Settings & { baseUrl: string },
  env: Record<string, string | undefined> = process.env,
): Promise<ServerProbe> {
  const { dispatcher: agent, route } = createTransport(settings.baseUrl, {
    tls: settings.sut.tls,
    caCertPath: settings.caCertPath,
    proxy: settings.proxy,
    env,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
  });
  const sentAt = new Date();
  try {
    const res = await request(`${settings.baseUrl}${PROBE_PATH}`, { dispatcher: agent, method: 'GET' });
    await res.body.dump();
    const date = res.headers.date;
    return {
      ok: true,
      status: res.statusCode,
      date: Array.isArray(date) ? date[0] : date,
      sentAt,
      receivedAt: new Date(),
    };
  } catch (error) {
    return {
      ok: false,
      error: describeConnectionFailure(
        error,
        { operation: 'TLS probe', method: 'GET', path: PROBE_PATH, mailboxId: settings.sut.mailboxId },
        settings.baseUrl,
        route.proxy,
      ),
    };
  } finally {
    await agent.close();
  }
}

/** What to do about a failed TLS connection, by the failure's code. */
function tlsFix(code: string): string {
  if (/CERT|SIGNATURE|ISSUER|SELF_SIGNED/.test(code) && code !== 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return 'set MESH_CA_CERT to the CA bundle of this environment (for int and dep leave it unset: the NHS PTL G2 chain is used)';
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'check the host name in MESH_URL';
  return 'use the client certificate issued for this mailbox and environment (MESH_CLIENT_CERT and MESH_CLIENT_KEY, or MESH_CLIENT_PFX)';
}

export function checkTls(settings: Settings & { baseUrl: string }, probe: ServerProbe): CheckResult {
  const name = CHECK.tls;
  if (!settings.baseUrl.startsWith('https:'))
    return skip(name, 'the target is plain HTTP (a sandbox without --tls): no TLS to check');
  if (!probe.ok) return fail(name, probe.error.message, tlsFix(probe.error.systemCode));
  const trust = settings.caCertPath ? `MESH_CA_CERT (${settings.caCertPath})` : "the system's trusted roots";
  const client = hasClientCertificate(settings) ? '; the client certificate was accepted' : '';
  return pass(name, `server certificate verified against ${trust}${client}`);
}

export async function checkMeshHandshake(
  settings: Settings & { baseUrl: string },
  env: Record<string, string | undefined> = process.env,
): Promise<CheckResult> {
  const name = CHECK.meshHandshake;
  const client = clientFor(settings, settings.sut, {
    retry: { attempts: 1 },
    env,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
  });
  try {
    await client.handshake();
    return pass(name, `mailbox ${client.mailboxId} validated`);
  } catch (error) {
    if (error instanceof MeshError && error.status === 403) {
      return fail(
        name,
        error.message,
        'check MESH_MAILBOX_ID, MESH_MAILBOX_PASSWORD and MESH_SHARED_KEY for this environment, and the server clock check',
      );
    }
    if (error instanceof MeshError || error instanceof MeshConnectionError)
      return fail(name, error.message, 'see the checks above, and check MESH_TARGET / MESH_URL');
    throw error;
  } finally {
    await client.close();
  }
}

function duration(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 1) return `${Math.round(Math.abs(ms) / 1000)} s`;
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function checkServerClock(probe: ServerProbe): CheckResult {
  const name = CHECK.clock;
  if (!probe.ok) return skip(name, 'the server did not answer (see the TLS handshake check)');
  const serverTime = probe.date === undefined ? NaN : Date.parse(probe.date);
  if (Number.isNaN(serverTime))
    return warn(
      name,
      'the server sent no readable Date header, so its clock could not be compared',
      'nothing to do unless the MESH handshake fails with a token time error',
    );
  // The Date header is whole seconds; compare with the middle of the round trip.
  const ours = (probe.sentAt.getTime() + probe.receivedAt.getTime()) / 2;
  const offset = serverTime - ours;
  const detail = `server time ${new Date(serverTime).toISOString()}, ${duration(offset)} ${offset >= 0 ? 'ahead of' : 'behind'} ours`;
  if (Math.abs(offset) > TOKEN_WINDOW_MS) {
    return fail(
      name,
      `${detail}: MESH rejects auth tokens more than 2 h from server time`,
      "set this machine's clock right (enable NTP time sync)",
    );
  }
  if (Math.abs(offset) > CLOCK_WARN_MS)
    return warn(name, `${detail}; tokens fail beyond 2 h`, "set this machine's clock right (enable NTP time sync)");
  return pass(name, detail);
}
