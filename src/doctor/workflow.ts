/**
 * The workflow association check: may the sut mailbox send the configured workflow to the peer, and the
 * peer send it back (the pack sends both ways), and may each receive it? MESH has no call that lists a
 * workflow's senders, so the workflow search (its receivers) answers what it can without sending anything,
 * and a probe message settles the rest: sent, tracked, downloaded and acknowledged at once by its
 * recipient, so no inbox keeps it. A refusal names the mailbox, the workflow and the way to get it.
 */
import type { MailboxSettings, Settings } from '../config/index.ts';
import { clientFor, MeshError, type MeshClient } from '../mesh/index.ts';
import { CHECK, fail, pass, type CheckResult } from './result.ts';

/** What MESH answers (417 SEND/...) when a workflow is not associated with a mailbox. */
const SENDER_NOT_ALLOWED = '16';
const RECEIVER_NOT_REGISTERED = '17';
const PROBE_BODY = 'mesh-assure doctor: workflow association probe, acknowledged by its recipient at once';

type Role = { mailbox: MailboxSettings; client: MeshClient };

interface Missing {
  mailboxId: string;
  as: 'send' | 'receive';
  evidence: string;
}

export interface WorkflowCheckOptions {
  /** How long a probe may take to arrive (default: MESH_DELIVERY_TIMEOUT_S). */
  deliveryTimeoutMs?: number;
  /** Where HTTPS_PROXY and NO_PROXY are read (default: this process's environment). */
  env?: Record<string, string | undefined>;
}

export async function checkWorkflowAssociation(
  settings: Settings & { baseUrl: string },
  options: WorkflowCheckOptions = {},
): Promise<CheckResult> {
  const workflowId = settings.workflowId;
  const make = (mailbox: MailboxSettings): Role => ({
    mailbox,
    client: clientFor(settings, mailbox, options.env ? { env: options.env } : {}),
  });
  const sut = make(settings.sut);
  const peer = settings.peerIsSut ? sut : make(settings.peer);
  const routes: [Role, Role][] = settings.peerIsSut
    ? [[sut, sut]]
    : [
        [sut, peer],
        [peer, sut],
      ];
  try {
    await sut.client.handshake();
    if (peer !== sut) await peer.client.handshake();
    const receivers = await listedReceivers(sut.client, workflowId);
    const missing: Missing[] = [];
    const probed: string[] = [];
    for (const [from, to] of routes) {
      const toId = to.mailbox.mailboxId;
      if (receivers && !receivers.has(toId)) {
        missing.push({
          mailboxId: toId,
          as: 'receive',
          evidence: `the workflow search lists ${[...receivers].join(', ')} as its receivers`,
        });
        continue;
      }
      const outcome = await probe(
        from.client,
        to.client,
        workflowId,
        options.deliveryTimeoutMs ?? settings.deliveryTimeoutMs,
      );
      if (outcome.ok) probed.push(`${from.mailbox.mailboxId} -> ${toId} (${outcome.messageId})`);
      else
        missing.push({ ...outcome.missing, mailboxId: outcome.missing.as === 'send' ? from.mailbox.mailboxId : toId });
    }
    if (missing.length === 0)
      return pass(CHECK.workflow, `workflow ${workflowId}: probe sent, received and acknowledged ${probed.join(', ')}`);
    const lacks = [...new Map(missing.map((m) => [`${m.mailboxId}/${m.as}`, m])).values()];
    return fail(
      CHECK.workflow,
      lacks.map((m) => `mailbox ${m.mailboxId} may not ${m.as} workflow ${workflowId} (${m.evidence})`).join('; '),
      `ask the MESH service desk to associate workflow ${workflowId} with ${lacks.map((m) => `${m.mailboxId} (${m.as === 'send' ? 'sending' : 'receiving'})`).join(' and ')}: request it with the mailbox application; or set MESH_WORKFLOW_ID to a workflow both mailboxes already have`,
    );
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    return fail(
      CHECK.workflow,
      `the check could not finish: ${error.message}`,
      'see the checks above, and check MESH_WORKFLOW_ID and MESH_DELIVERY_TIMEOUT_S',
    );
  } finally {
    await Promise.all([...new Set([sut.client, peer.client])].map((c) => c.close()));
  }
}

/** The receivers the workflow search lists; undefined where it does not answer or knows no receiver. */
async function listedReceivers(client: MeshClient, workflowId: string): Promise<Set<string> | undefined> {
  try {
    const ids = (await client.workflowSearch(workflowId)).results.map((r) => r.mailbox_id);
    return ids.length > 0 ? new Set(ids) : undefined;
  } catch (error) {
    if (error instanceof MeshError) return undefined;
    throw error;
  }
}

type ProbeOutcome = { ok: true; messageId: string } | { ok: false; missing: Omit<Missing, 'mailboxId'> };

/** Sends the probe and has its recipient download and acknowledge it straight away. */
async function probe(
  from: MeshClient,
  to: MeshClient,
  workflowId: string,
  deliveryTimeoutMs: number,
): Promise<ProbeOutcome> {
  let messageId: string;
  try {
    ({ messageId } = await from.send(
      {
        to: to.mailboxId,
        workflowId,
        subject: 'mesh-assure doctor workflow probe',
        localId: 'mesh-assure-doctor-probe',
      },
      PROBE_BODY,
    ));
  } catch (error) {
    if (!(error instanceof MeshError) || error.status !== 417) throw error;
    const evidence = `MESH answered ${error.status} ${error.event}/${error.meshCode} ${error.description}`;
    if (error.meshCode === SENDER_NOT_ALLOWED) return { ok: false, missing: { as: 'send', evidence } };
    if (error.meshCode === RECEIVER_NOT_REGISTERED) return { ok: false, missing: { as: 'receive', evidence } };
    throw error;
  }
  await from.track(messageId);
  await awaitProbe(to, messageId, deliveryTimeoutMs);
  await to.downloadTo(messageId);
  await to.acknowledge(messageId);
  return { ok: true, messageId };
}

async function awaitProbe(to: MeshClient, messageId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 15_000)) {
    for await (const id of to.inboxMessageIds()) if (id === messageId) return;
    if (Date.now() + delay > deadline) {
      throw new Error(
        `the workflow probe ${messageId} did not reach ${to.mailboxId} within ${timeoutMs / 1000} s (MESH_DELIVERY_TIMEOUT_S); it is left in that inbox: acknowledge it there`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

export class WorkflowAssociationError extends Error {
  override name = 'WorkflowAssociationError';
}

/**
 * The check `mesh-assure run` makes before the cases on any target but the embedded sandbox (whose
 * workflows the run itself configures): a missing association would otherwise fail every case that sends.
 */
export async function assertWorkflowAssociation(settings: Settings): Promise<void> {
  if (settings.target === 'sandbox' || settings.baseUrl === undefined) return;
  const result = await checkWorkflowAssociation({ ...settings, baseUrl: settings.baseUrl });
  if (result.status === 'FAIL')
    throw new WorkflowAssociationError(`the run did not start: ${result.detail}. Fix: ${result.fix}`);
}
