/** Tracking (mesh-api-notes 4.10, 4.11): only the sender sees its messages; anyone else gets 404. */
import { MEDIA_JSON, MESH_ERRORS } from '../../protocol/index.ts';
import { authorise, drainBody, requireVersion, type RouteContext } from '../context.ts';
import { trackingV1, trackingV2 } from '../message-views.ts';
import { Failure, meshFailure, missing, sendJson, sendVersioned, validationFailure } from '../replies.ts';
import type { StoredMessage } from '../store/message.ts';

const visibleToSender = (message: StoredMessage | undefined, mailboxId: string): message is StoredMessage =>
  message !== undefined && message.sender === mailboxId && !message.hiddenFromSender;

export async function trackById(ctx: RouteContext): Promise<void> {
  await drainBody(ctx);
  const { mailbox } = authorise(ctx);
  const version = requireVersion(ctx);
  const id = ctx.query.get('messageID');
  if (id === null || id.trim() === '') throw validationFailure([missing('query', 'messageID')]);
  ctx.notes.messageId = id.trim().toUpperCase();
  const message = ctx.state.store.get(ctx.notes.messageId);
  if (!visibleToSender(message, mailbox.mailboxId)) throw meshFailure(404, MESH_ERRORS.notFound);
  const { mailboxes, lifecycle } = ctx.state;
  const expires = lifecycle.expiresAt(message);
  sendVersioned(
    ctx.res,
    version,
    200,
    trackingV1(message, mailboxes, expires),
    trackingV2(message, mailboxes, expires),
  );
}

/** Deprecated: always the v1 body, 300 when the local id is not unique. */
export async function trackByLocalId(ctx: RouteContext): Promise<void> {
  await drainBody(ctx);
  const { mailbox } = authorise(ctx);
  requireVersion(ctx);
  const localId = ctx.params.localId ?? '';
  const found = [...ctx.state.store.all()].filter(
    (m) => visibleToSender(m, mailbox.mailboxId) && m.localId === localId,
  );
  if (found.length === 0) throw meshFailure(404, MESH_ERRORS.notFound);
  if (found.length > 1) throw new Failure(300, { kind: 'mesh', spec: MESH_ERRORS.multipleChoices, version: 1 });
  const message = found[0]!;
  ctx.notes.messageId = message.messageId;
  sendJson(ctx.res, 200, trackingV1(message, ctx.state.mailboxes, ctx.state.lifecycle.expiresAt(message)), MEDIA_JSON);
}
