/**
 * Recognises NHS England's own MESH sandbox (NHSDigital/mesh-sandbox) by what no real MESH server does:
 * its admin API answers without authentication (GET /messageexchange/admin/mailbox/{id}). mesh-assure's
 * embedded sandbox serves the same route and names itself in its ping answer's build label, so that is
 * read too. Checked for the nhs-sandbox target (is MESH_URL really that server?) and for a URL target (is
 * it, unannounced?), so that the pack reports what that server cannot show instead of failing it.
 */
import { request, type Dispatcher } from 'undici';
import type { Settings } from '../config/index.ts';
import { createTransport } from '../mesh/index.ts';
import { CHECK, pass, skip, warn, type CheckResult } from './result.ts';

const TIMEOUT_MS = 10_000;
const EMBEDDED_BUILD_LABEL = 'mesh-assure-sandbox';

export type ServerKind = 'nhs-sandbox' | 'embedded-sandbox' | 'other';

async function getJson(agent: Dispatcher, url: string): Promise<Record<string, unknown> | undefined> {
  try {
    const res = await request(url, { dispatcher: agent });
    const text = await res.body.text();
    if (res.statusCode !== 200) return undefined;
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export async function serverKind(
  settings: Settings & { baseUrl: string },
  env: Record<string, string | undefined> = process.env,
): Promise<ServerKind> {
  const { dispatcher: agent } = createTransport(settings.baseUrl, {
    tls: settings.sut.tls,
    caCertPath: settings.caCertPath,
    proxy: settings.proxy,
    env,
    connectTimeoutMs: TIMEOUT_MS,
    requestTimeoutMs: TIMEOUT_MS,
  });
  try {
    const ping = await getJson(agent, `${settings.baseUrl}/messageexchange/_ping`);
    if (ping?.build_label === EMBEDDED_BUILD_LABEL) return 'embedded-sandbox';
    const mailbox = await getJson(
      agent,
      `${settings.baseUrl}/messageexchange/admin/mailbox/${encodeURIComponent(settings.sut.mailboxId)}`,
    );
    return mailbox?.mailbox_id === settings.sut.mailboxId ? 'nhs-sandbox' : 'other';
  } finally {
    await agent.close();
  }
}

const DESCRIBED: Record<ServerKind, string> = {
  'nhs-sandbox': "NHS's own MESH sandbox (its admin API answers without authentication)",
  'embedded-sandbox': "mesh-assure's embedded sandbox (its ping names it)",
  other: 'a MESH server without an open admin API (not a sandbox)',
};

export async function checkServerKind(
  settings: Settings & { baseUrl: string },
  env: Record<string, string | undefined> = process.env,
): Promise<CheckResult> {
  const name = CHECK.serverKind;
  if (settings.target !== 'nhs-sandbox' && settings.target !== 'url')
    return skip(name, `target ${settings.target} names its server`);
  const kind = await serverKind(settings, env);
  if (settings.target === 'nhs-sandbox') {
    return kind === 'nhs-sandbox'
      ? pass(name, `${DESCRIBED[kind]}; the pack reports what it cannot show as not demonstrable`)
      : warn(
          name,
          `${settings.baseUrl} is ${DESCRIBED[kind]}, not NHS's sandbox`,
          'point MESH_URL at the port run.sh serves, or set MESH_TARGET to the URL of this server',
        );
  }
  return kind === 'nhs-sandbox'
    ? warn(
        name,
        `${settings.baseUrl} is ${DESCRIBED[kind]}`,
        'set MESH_TARGET=nhs-sandbox and MESH_URL to it: the cases it cannot show are then reported not demonstrable instead of failing',
      )
    : pass(name, DESCRIBED[kind]);
}
