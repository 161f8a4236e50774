/**
 * MESH error events, codes and texts, the two JSON shapes they travel in (v1 and v2), and a parser that
 * reads any error body a MESH server (or a proxy in front of it) may send.
 */
import type { ApiVersion } from './media-types.ts';

export interface ErrorSpec {
  event: string;
  code: string;
  description: string;
}

const spec = (event: string, code: string, description: string): ErrorSpec => ({ event, code, description });

/** The errors the service produces, with the event and code of each (mesh-api-notes section 8). */
export const MESH_ERRORS = {
  authUnreadable: spec('', '', 'Error reading from Authorization header'),
  authMailboxMismatch: spec('', '', 'Mailbox id does not match token'),
  authInvalid: spec('', '', 'Invalid Authentication Token'),
  authReused: spec('', '', 'Error Duplicated Authentication Token'),
  authStale: spec('', '', 'Authentication token timestamp is not within 2 hours of server time'),
  noMailboxMatched: spec('SEND', 'EPL-151', 'No mailbox matched'),
  inactiveMailbox: spec('', '', 'Request Received from Inactive Mailbox'),
  acceptFormat: spec('', '', 'Accept header api format incorrect'),
  malformedControlFile: spec('TRANSFER', '06', 'MalformedControlFile'),
  invalidFromAddress: spec('SEND', '07', 'Invalid From Address in the control file'),
  toMissing: spec('SEND', '08', 'TO_DTS missing'),
  invalidChecksum: spec('SEND', 'Invalid checksum', 'Invalid checksum'),
  unsupportedEncoding: spec('SEND', 'UnsupportedContentEncoding', 'Unsupported content encoding'),
  invalidChunks: spec('SEND', 'InvalidHeaderChunks', 'Invalid chunk values sent in mex-Chunk-Range header'),
  unregisteredRecipient: spec('SEND', '12', 'Unregistered to address'),
  missingDataFile: spec('COLLECT', '02', 'Data file is missing or inaccessible.'),
  senderNotAllowed: spec('SEND', '16', 'Sender is not allowed to send messages of this type'),
  workflowNotRegistered: spec('SEND', '17', 'Workflow ID not registered for mailbox'),
  messageDoesNotExist: spec('RECEIVE', '20', 'Message does not exist'),
  messageGone: spec('SEND', 'Message already accepted', 'Message no longer available for download'),
  cannotChangeEncoding: spec('', '', 'cannot change content encoding'),
  forbidden: spec('', '', 'Forbidden'),
  notFound: spec('', '', 'Not Found'),
  multipleChoices: spec('', '', 'Multiple Choices'),
  requestTooLarge: spec('SEND', '', 'Request body is larger than the per-request limit: send it in chunks'),
} as const satisfies Record<string, ErrorSpec>;

/** The non-delivery text for a message left uncollected. */
export function notCollectedError(days: number): ErrorSpec {
  return spec('SEND', '14', `Message not collected by recipient after ${days} days`);
}

/** The body the service answers with when it has no MESH detail to give (406, 423, 500). */
export const GENERIC_ERROR_BODY = { message: 'An internal error occurred.\n\nPlease contact support.' } as const;

export interface V1ErrorBody {
  messageID?: string;
  errorEvent: string;
  errorCode: string;
  errorDescription: string;
}

export interface V2ErrorBody {
  message_id?: string;
  internal_id?: string;
  detail: { event: string; code: string; msg: string }[];
}

export function errorBody(version: ApiVersion, error: ErrorSpec, messageId?: string): V1ErrorBody | V2ErrorBody {
  if (version === 1) {
    return {
      ...(messageId ? { messageID: messageId } : {}),
      errorEvent: error.event,
      errorCode: error.code,
      errorDescription: error.description,
    };
  }
  return {
    ...(messageId ? { message_id: messageId } : {}),
    detail: [{ event: error.event, code: error.code, msg: error.description }],
  };
}

export type ErrorShape = 'v1' | 'v2' | 'generic' | 'validation' | 'routing' | 'text' | 'empty';

export interface ParsedError {
  shape: ErrorShape;
  event: string;
  code: string;
  description: string;
  messageId?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** Reads an error body of any shape. Never throws: a body it cannot read becomes its (trimmed) text. */
export function parseErrorBody(text: string): ParsedError {
  const trimmed = text.trim();
  if (trimmed === '') return { shape: 'empty', event: '', code: '', description: '' };
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    return { shape: 'text', event: '', code: '', description: trimmed.slice(0, 500) };
  }
  if (!isRecord(json)) return { shape: 'text', event: '', code: '', description: trimmed.slice(0, 500) };
  const messageId = str(json.messageID ?? json.message_id) || undefined;
  const withId = <T extends ParsedError>(e: T): T => (messageId ? { ...e, messageId } : e);
  if ('errorDescription' in json || 'errorCode' in json || 'errorEvent' in json) {
    return withId({
      shape: 'v1',
      event: str(json.errorEvent),
      code: str(json.errorCode),
      description: str(json.errorDescription),
    });
  }
  const detail = json.detail;
  if (Array.isArray(detail)) {
    const first: unknown = detail[0];
    if (isRecord(first) && 'loc' in first) {
      const described = detail
        .filter(isRecord)
        .map((d) => `${Array.isArray(d.loc) ? d.loc.join('.') : ''}: ${str(d.msg)}`);
      return withId({ shape: 'validation', event: '', code: '', description: described.join('; ') });
    }
    const item = isRecord(first) ? first : {};
    return withId({ shape: 'v2', event: str(item.event), code: str(item.code), description: str(item.msg) });
  }
  if (typeof detail === 'string') return withId({ shape: 'routing', event: '', code: '', description: detail });
  if (typeof json.message === 'string')
    return withId({ shape: 'generic', event: '', code: '', description: json.message });
  return withId({ shape: 'text', event: '', code: '', description: trimmed.slice(0, 500) });
}
