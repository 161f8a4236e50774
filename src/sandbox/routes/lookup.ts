/**
 * The global routes: endpoint lookup and workflow search (mesh-api-notes 4.12, 4.13) and the health routes
 * (4.15). None needs an Authorization header, as on the official sandbox; one that is sent is ignored.
 */
import { makeMessageId, MEDIA_JSON } from '../../protocol/index.ts';
import { drainBody, requireVersion, type RouteContext } from '../context.ts';
import { meshFailure, sendJson, sendVersioned } from '../replies.ts';

const blankParameter = (what: string) => meshFailure(400, { event: '', code: '', description: `${what} missing` });

/** Shaped like the real service's `20200601131040203367_A441C2_1573484974`. */
const queryId = (now: Date): string => `${makeMessageId(now)}_${Math.floor(now.getTime() / 1000)}`;

export async function endpointLookup(ctx: RouteContext): Promise<void> {
  await drainBody(ctx);
  const version = requireVersion(ctx);
  const ods = (ctx.params.ods ?? '').trim();
  const workflowId = (ctx.params.workflowId ?? '').trim();
  if (ods === '') throw blankParameter('ods code');
  if (workflowId === '') throw blankParameter('workflow id');
  const found = ctx.state.mailboxes.receivers(workflowId, ods);
  sendVersioned(
    ctx.res,
    version,
    200,
    {
      query_id: queryId(ctx.state.clock.now()),
      results: found.map((m) => ({ address: m.mailboxId, description: m.mailboxName, endpoint_type: 'MESH' })),
    },
    { results: found.map((m) => ({ mailbox_id: m.mailboxId, mailbox_name: m.mailboxName })) },
  );
}

export async function workflowSearch(ctx: RouteContext): Promise<void> {
  await drainBody(ctx);
  const version = requireVersion(ctx);
  const workflowId = (ctx.params.workflowId ?? '').trim();
  if (workflowId === '') throw blankParameter('workflow id');
  const body = {
    results: ctx.state.mailboxes
      .receivers(workflowId)
      .map((m) => ({ mailbox_id: m.mailboxId, mailbox_name: m.mailboxName })),
  };
  sendVersioned(ctx.res, version, 200, body, body);
}

export async function health(ctx: RouteContext): Promise<void> {
  await drainBody(ctx);
  sendJson(
    ctx.res,
    200,
    { env: 'local', build_label: 'mesh-assure-sandbox', status: 'running', outcome: 'Yes' },
    MEDIA_JSON,
  );
}
