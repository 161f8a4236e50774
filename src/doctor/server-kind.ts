/**
 * Recognises NHS England's own MESH sandbox (NHSDigital/mesh-sandbox) by the one thing no real MESH server
 * does: its admin API answers without authentication (GET /messageexchange/admin/mailbox/{id}). Checked for
 * the nhs-sandbox target (is MESH_URL really that server?) and for a URL target (is it, unannounced?), so
 * the case catalogue reports what that server cannot show instead of failing it.
 */
import { request } from 'undici';
import type { Settings } from '../config/index.ts';
import { createAgent } from '../mesh/index.ts';
import { CHECK, pass, skip, warn, type CheckResult } from './result.ts';

const TIMEOUT_MS = 10_000;

/** True when the server answers NHS's sandbox's unauthenticated admin mailbox route for the sut mailbox. */
export async function isNhsSandbox(settings: Settings & { baseUrl: string }): Promise<boolean> {
  const agent = createAgent({ tls: settings.sut.tls, caCertPath: settings.caCertPath, connectTimeoutMs: TIMEOUT_MS, requestTimeoutMs: TIMEOUT_MS });
  try {
    const res = await request(`${settings.baseUrl}/messageexchange/admin/mailbox/${encodeURIComponent(settings.sut.mailboxId)}`, { dispatcher: agent });
    const text = await res.body.text();
    if (res.statusCode !== 200) return false;
    try {
      return (JSON.parse(text) as { mailbox_id?: unknown }).mailbox_id === settings.sut.mailboxId;
    } catch {
      return false;
    }
  } catch {
    return false;
  } finally {
    await agent.close();
  }
}

export async function checkServerKind(settings: Settings & { baseUrl: string }): Promise<CheckResult> {
  const name = CHECK.serverKind;
  if (settings.target !== 'nhs-sandbox' && settings.target !== 'url') return skip(name, `target ${settings.target} names its server`);
  const nhs = await isNhsSandbox(settings);
  if (settings.target === 'nhs-sandbox') {
    return nhs
      ? pass(name, "NHS's own MESH sandbox (its admin API answers without authentication); the pack reports what it cannot show as not demonstrable")
      : warn(name, `${settings.baseUrl} does not answer like NHS's MESH sandbox (no unauthenticated admin API)`, 'point MESH_URL at the port run.sh serves, or set MESH_TARGET to the URL for another MESH server');
  }
  return nhs
    ? warn(name, `${settings.baseUrl} is NHS's own MESH sandbox (its admin API answers without authentication)`, 'set MESH_TARGET=nhs-sandbox and MESH_URL to it: the cases it cannot show are then reported not demonstrable instead of failing')
    : pass(name, "not NHS's MESH sandbox: no admin API answers without authentication");
}
