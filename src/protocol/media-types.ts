/** API version negotiation: the version is chosen by the Accept header alone. */

export const MEDIA_V2 = 'application/vnd.mesh.v2+json';
export const MEDIA_V1 = 'application/vnd.mesh.v1+json';
export const MEDIA_JSON = 'application/json';

export type ApiVersion = 1 | 2;

export type AcceptResult = { ok: true; version: ApiVersion } | { ok: false };

/**
 * As the service does: split on `;` (not `,`); a piece naming `vnd.mesh` must be exactly
 * `application/vnd.mesh.v<N>+json`, otherwise the header is malformed; versions above 2 act as 2;
 * no vnd.mesh piece (or no header) selects v1.
 */
export function negotiateVersion(accept: string | undefined): AcceptResult {
  // A client sends the same Accept header on every request: remember the last answer.
  if (accept !== lastAccept) lastResult = negotiate((lastAccept = accept));
  return lastResult;
}

let lastAccept: string | undefined;
let lastResult: AcceptResult = negotiate(undefined);

function negotiate(accept: string | undefined): AcceptResult {
  if (accept === undefined || accept.trim() === '') return { ok: true, version: 1 };
  for (const piece of accept.split(';').map((p) => p.trim())) {
    if (!piece.includes('vnd.mesh')) continue;
    const m = /^application\/vnd\.mesh\.v(\d+)\+json$/.exec(piece);
    if (!m) return { ok: false };
    return { ok: true, version: Number(m[1]) >= 2 ? 2 : 1 };
  }
  return { ok: true, version: 1 };
}
