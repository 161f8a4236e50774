/** MESH header names (lower case on the wire, matched case-insensitively) and case-insensitive access. */

export const HEADER = {
  authorization: 'authorization',
  accept: 'accept',
  acceptEncoding: 'accept-encoding',
  contentType: 'content-type',
  contentEncoding: 'content-encoding',
  contentLength: 'content-length',
  lastModified: 'last-modified',
  clientVersion: 'mex-clientversion',
  osName: 'mex-osname',
  osVersion: 'mex-osversion',
  osArchitecture: 'mex-osarchitecture',
  javaVersion: 'mex-javaversion',
  from: 'mex-from',
  to: 'mex-to',
  workflowId: 'mex-workflowid',
  chunkRange: 'mex-chunk-range',
  totalChunks: 'mex-total-chunks',
  subject: 'mex-subject',
  localId: 'mex-localid',
  partnerId: 'mex-partnerid',
  fileName: 'mex-filename',
  contentEncrypted: 'mex-content-encrypted',
  contentCompressed: 'mex-content-compressed',
  contentChecksum: 'mex-content-checksum',
  mexContentType: 'mex-content-type',
  messageType: 'mex-messagetype',
  messageId: 'mex-messageid',
  linkedMessageId: 'mex-linkedmsgid',
  addressType: 'mex-addresstype',
  version: 'mex-version',
  statusCode: 'mex-statuscode',
  statusEvent: 'mex-statusevent',
  statusDescription: 'mex-statusdescription',
  statusSuccess: 'mex-statussuccess',
  statusTimestamp: 'mex-statustimestamp',
} as const;

export type HeaderValue = string | string[] | number | undefined;
export type HeaderSource = Headers | Record<string, HeaderValue> | Iterable<[string, string]>;

/** A read-only, case-insensitive view of headers from undici, node:http or a plain object. */
export class HeaderBag {
  readonly #values = new Map<string, string>();

  constructor(source: HeaderSource = {}) {
    if (Symbol.iterator in source) {
      for (const [name, value] of source as Iterable<[string, string]>) this.#add(name, value);
    } else {
      // Walked in place: a sandbox request's headers come here, and an entries array per request cost more.
      for (const name in source)
        if (Object.hasOwn(source, name)) this.#add(name, (source as Record<string, HeaderValue>)[name]);
    }
  }

  #add(name: string, value: HeaderValue): void {
    if (value !== undefined)
      this.#values.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value));
  }

  get(name: string): string | undefined {
    return this.#values.get(name.toLowerCase());
  }

  has(name: string): boolean {
    return this.#values.has(name.toLowerCase());
  }

  /** Every `mex-*` header, names lower case: what evidence records of an exchange. */
  mex(): Record<string, string> {
    return Object.fromEntries(
      [...this.#values].filter(([name]) => name.startsWith('mex-')).sort(([a], [b]) => a.localeCompare(b)),
    );
  }

  /** Every header, names lower case, in the order they came. */
  entries(): IterableIterator<[string, string]> {
    return this.#values.entries();
  }

  toObject(): Record<string, string> {
    return Object.fromEntries(this.#values);
  }
}

const TRUE_FLAGS = new Set(['y', 'yes', 't', 'true', 'on', '1']);

/** MESH's lenient boolean flags: y/yes/t/true/on/1 in any case are true; anything else, or absent, is false. */
export function parseFlag(value: string | undefined): boolean {
  return value !== undefined && TRUE_FLAGS.has(value.trim().toLowerCase());
}
