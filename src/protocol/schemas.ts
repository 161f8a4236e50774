/**
 * JSON Schemas (our own) of every MESH API v2 JSON response body, and an ajv validator over them.
 * They are deliberately open (extra properties allowed): the real service may add fields, and a client
 * must not break on them. Timestamps are plain strings because the service and the official sandbox
 * disagree on their format (compact `YYYYMMDDHHMMSS` versus ISO).
 */
import { Ajv, type ValidateFunction } from 'ajv';

const text = { type: 'string' } as const;

const mailboxList = {
  type: 'object',
  required: ['results'],
  properties: {
    results: {
      type: 'array',
      items: {
        type: 'object',
        required: ['mailbox_id', 'mailbox_name'],
        properties: { mailbox_id: text, mailbox_name: text },
      },
    },
  },
} as const;

const messageIdBody = { type: 'object', required: ['message_id'], properties: { message_id: text } } as const;

export const V2_SCHEMAS = {
  inbox: {
    $id: 'mesh-v2/inbox',
    type: 'object',
    required: ['messages'],
    properties: {
      messages: { type: 'array', items: text },
      links: { type: 'object', additionalProperties: text },
      approx_inbox_count: { type: 'integer', minimum: 0 },
    },
  },
  count: {
    $id: 'mesh-v2/count',
    type: 'object',
    required: ['count'],
    properties: { count: { type: 'integer', minimum: 0 } },
  },
  send: { $id: 'mesh-v2/send', ...messageIdBody },
  sendChunk: { $id: 'mesh-v2/send-chunk', ...messageIdBody },
  tracking: {
    $id: 'mesh-v2/tracking',
    type: 'object',
    required: ['message_id'],
    properties: {
      message_id: text,
      local_id: text,
      workflow_id: text,
      filename: text,
      expiry_time: text,
      upload_timestamp: text,
      recipient: text,
      recipient_name: text,
      recipient_ods_code: text,
      recipient_org_code: text,
      recipient_org_name: text,
      status_success: { type: 'boolean' },
      status: text,
      status_event: text,
      status_timestamp: text,
      status_description: text,
      status_code: text,
    },
  },
  lookup: { $id: 'mesh-v2/lookup', ...mailboxList },
  workflowSearch: { $id: 'mesh-v2/workflow-search', ...mailboxList },
  error: {
    $id: 'mesh-v2/error',
    type: 'object',
    required: ['detail'],
    properties: {
      message_id: text,
      internal_id: text,
      detail: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['event', 'code', 'msg'],
          properties: { event: text, code: text, msg: text },
        },
      },
    },
  },
} as const;

export type V2BodyName = keyof typeof V2_SCHEMAS;

export interface InboxBody {
  messages: string[];
  links?: Record<string, string>;
  approx_inbox_count?: number;
}
export interface CountBody {
  count: number;
}
export interface MessageIdBody {
  message_id: string;
}
export interface TrackingBody {
  message_id: string;
  local_id?: string;
  workflow_id?: string;
  filename?: string;
  expiry_time?: string;
  upload_timestamp?: string;
  recipient?: string;
  recipient_name?: string;
  recipient_ods_code?: string;
  recipient_org_code?: string;
  recipient_org_name?: string;
  status_success?: boolean;
  status?: string;
  status_event?: string;
  status_timestamp?: string;
  status_description?: string;
  status_code?: string;
}
export interface MailboxListBody {
  results: { mailbox_id: string; mailbox_name: string }[];
}

export interface V2Bodies {
  inbox: InboxBody;
  count: CountBody;
  send: MessageIdBody;
  sendChunk: MessageIdBody;
  tracking: TrackingBody;
  lookup: MailboxListBody;
  workflowSearch: MailboxListBody;
  error: { message_id?: string; internal_id?: string; detail: { event: string; code: string; msg: string }[] };
}

export class SchemaViolation extends Error {
  override name = 'SchemaViolation';
  constructor(
    readonly body: V2BodyName,
    readonly problems: string[],
  ) {
    super(`response body does not match the MESH v2 "${body}" schema: ${problems.join('; ')}`);
  }
}

// One ajv instance for all schemas (each instance compiles the draft-07 meta-schema, about 30 ms), and
// each schema compiled when first needed: a client that only sends pays for one.
let ajv: Ajv | undefined;
const validators = new Map<V2BodyName, ValidateFunction>();

function validatorFor(name: V2BodyName): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    ajv ??= new Ajv({ allErrors: true, strict: true });
    validators.set(name, (validate = ajv.compile(V2_SCHEMAS[name])));
  }
  return validate;
}

/** Problems found in `body` against the named schema; empty when it conforms. */
export function schemaProblems(name: V2BodyName, body: unknown): string[] {
  const validate = validatorFor(name);
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? 'is invalid'}`);
}

/** Returns the body typed, or throws SchemaViolation naming every problem. */
export function assertV2Body<N extends V2BodyName>(name: N, body: unknown): V2Bodies[N] {
  const problems = schemaProblems(name, body);
  if (problems.length > 0) throw new SchemaViolation(name, problems);
  return body as V2Bodies[N];
}
