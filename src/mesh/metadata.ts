/** Typed view of the `mex-*` headers of a download or HEAD response. */
import { HEADER, HeaderBag, parseChunkRange, parseFlag, type ChunkRange } from '../protocol/index.ts';

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
  const type = (headers.get(HEADER.messageType) ?? 'DATA').toUpperCase();
  const range = headers.get(HEADER.chunkRange);
  const parsed = range ? parseChunkRange(range, { allowEmptyReport: true }) : { chunk: 1, total: 1 };
  const success = headers.get(HEADER.statusSuccess)?.toUpperCase();
  return {
    messageId: headers.get(HEADER.messageId) ?? requestedId,
    messageType: type === 'REPORT' ? 'REPORT' : 'DATA',
    from: headers.get(HEADER.from),
    to: headers.get(HEADER.to),
    workflowId: headers.get(HEADER.workflowId),
    fileName: headers.get(HEADER.fileName),
    localId: headers.get(HEADER.localId),
    subject: headers.get(HEADER.subject),
    partnerId: headers.get(HEADER.partnerId),
    checksum: headers.get(HEADER.contentChecksum),
    contentType: headers.get(HEADER.mexContentType) ?? headers.get(HEADER.contentType),
    encrypted: parseFlag(headers.get(HEADER.contentEncrypted)),
    compressed: parseFlag(headers.get(HEADER.contentCompressed)),
    linkedMessageId: headers.get(HEADER.linkedMessageId),
    chunk: parsed.total === 0 ? { chunk: 1, total: 1 } : parsed,
    status: {
      code: headers.get(HEADER.statusCode),
      event: headers.get(HEADER.statusEvent),
      description: headers.get(HEADER.statusDescription),
      success: success === undefined ? undefined : success === 'SUCCESS',
      timestamp: headers.get(HEADER.statusTimestamp),
    },
    mexHeaders: headers.mex(),
  };
}
