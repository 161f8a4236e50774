/** Handshake, GET or POST /messageexchange/{mailbox} (mesh-api-notes 4.1). */
import { HEADER, MEDIA_JSON } from '../../protocol/index.ts';
import { authorise, drainBody, requireVersion, type RouteContext } from '../context.ts';
import { missing, sendEmpty, sendJson, validationFailure } from '../replies.ts';

const REQUIRED = [HEADER.clientVersion, HEADER.osName, HEADER.osVersion];

export async function handshake(ctx: RouteContext): Promise<void> {
  await drainBody(ctx);
  const { mailbox } = authorise(ctx);
  const version = requireVersion(ctx);
  if (!ctx.state.options.relax.handshakeHeaders) {
    const absent = REQUIRED.filter((name) => !ctx.headers.get(name)?.trim());
    if (absent.length > 0) throw validationFailure(absent.map((name) => missing('header', name)));
  }
  if (version === 2) sendEmpty(ctx.res, 200);
  else sendJson(ctx.res, 200, { mailboxId: mailbox.mailboxId }, MEDIA_JSON);
}

/** POST /messageexchange/{mailbox}/update: the Java client's update check; nothing to update. */
export async function updateCheck(ctx: RouteContext): Promise<void> {
  await drainBody(ctx);
  authorise(ctx);
  requireVersion(ctx);
  sendEmpty(ctx.res, 200);
}
