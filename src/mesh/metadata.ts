/** Typed view of the `mex-*` headers of a download or HEAD response. */
import { H, HeaderBag, parseChunkRange, parseFlag, type ChunkRange } from '../protocol/index.ts';

export type MessageType = 'DATA' | 'REPORT';

export interface MessageStatus {
  code: string | undefined;
  event: string | undefined;
  description: string | undefined;
  /** `mex-statussuccess`: SUCCESS is true, ERROR is false; undefined when absent. */
  success: boolean | undefined;
  timestamp: string | undefined;
}

export interface MessageMetadata {
  messageId: string;
  messageType: MessageType;
  from: string | undefined;
  to: string | undefined;
  workflowId: string | undefined;
  fileName: string | undefined;
  localId: string | undefined;
  subject: string | undefined;
  partnerId: string | undefined;
  checksum: string | undefined;
  /** `mex-content-type`, falling back to the response Content-Type. */
  contentType: string | undefined;
  /** The sender's flags (absent and `N` both read as false). */
  encrypted: boolean;
  compressed: boolean;
  linkedMessageId: string | undefined;
  /** Chunk n of N; a REPORT has no chunks and reads as 1 of 1. */
  chunk: ChunkRange;
  status: MessageStatus;
  /** Every `mex-*` header as received, lower-case names. */
  mexHeaders: Record<string, string>;
}

export function readMetadata(headers: HeaderBag, requestedId: string): MessageMetadata {
  const type = (headers.get(H.messageType) ?? 'DATA').toUpperCase();
  const range = headers.get(H.chunkRange);
  const parsed = range ? parseChunkRange(range, { allowEmptyReport: true }) : { chunk: 1, total: 1 };
  const success = headers.get(H.statusSuccess)?.toUpperCase();
  return {
    messageId: headers.get(H.messageId) ?? requestedId,
    messageType: type === 'REPORT' ? 'REPORT' : 'DATA',
    from: headers.get(H.from),
    to: headers.get(H.to),
    workflowId: headers.get(H.workflowId),
    fileName: headers.get(H.fileName),
    localId: headers.get(H.localId),
    subject: headers.get(H.subject),
    partnerId: headers.get(H.partnerId),
    checksum: headers.get(H.contentChecksum),
    contentType: headers.get(H.mexContentType) ?? headers.get(H.contentType),
    encrypted: parseFlag(headers.get(H.contentEncrypted)),
    compressed: parseFlag(headers.get(H.contentCompressed)),
    linkedMessageId: headers.get(H.linkedMessageId),
    chunk: parsed.total === 0 ? { chunk: 1, total: 1 } : parsed,
    status: {
      code: headers.get(H.statusCode),
      event: headers.get(H.statusEvent),
      description: headers.get(H.statusDescription),
      success: success === undefined ? undefined : success === 'SUCCESS',
      timestamp: headers.get(H.statusTimestamp),
    },
    mexHeaders: headers.mex(),
  };
}
