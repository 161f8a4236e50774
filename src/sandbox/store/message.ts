/** A stored message: what its meta.json holds, and the status rules that follow from its events. */

export type StatusName = 'uploading' | 'accepted' | 'acknowledged' | 'undeliverable' | 'error';
type MessageType = 'DATA' | 'REPORT';

export interface MessageEvent {
  status: string;
  /** ISO time (sandbox clock). */
  timestamp: string;
  event?: string;
  code?: string;
  description?: string;
  linkedMessageId?: string;
}

export interface StoredMessage {
  messageId: string;
  messageType: MessageType;
  /** The sending mailbox; '' for a REPORT, whose sender is the system. */
  sender: string;
  recipient: string;
  workflowId: string;
  subject?: string;
  localId?: string;
  partnerId?: string;
  fileName: string;
  checksum?: string;
  contentType?: string;
  /** Transport encoding the chunks are stored in; every chunk of a message has the same. */
  contentEncoding?: 'gzip';
  encrypted: boolean;
  compressed: boolean;
  totalChunks: number;
  /** Stored byte size of each chunk (index 0 = chunk 1); null until it has arrived. */
  chunkSizes: (number | null)[];
  /** Newest first, as in the official sandbox. */
  events: MessageEvent[];
  createdAt: string;
  /** When it reached the recipient's inbox (the expiry clock starts here). */
  deliveredAt?: string;
  acknowledgedAt?: string;
  /** Position in delivery order: inbox lists are sorted by it and continue_from points at it. */
  deliverySeq?: number;
  linkedMessageId?: string;
  /** The sender's mailbox was reset: the message no longer shows in its outbox. */
  hiddenFromSender?: boolean;
}

export function statusOf(message: StoredMessage): string {
  return message.events[0]?.status ?? 'uploading';
}

/** The newest event that carries error details, for tracking and report headers. */
export function errorEvent(message: StoredMessage): MessageEvent | undefined {
  return message.events.find((e) => e.code !== undefined || e.event !== undefined);
}

export function fileSize(message: StoredMessage): number {
  return message.chunkSizes.reduce<number>((sum, size) => sum + (size ?? 0), 0);
}

export function allChunksArrived(message: StoredMessage): boolean {
  return message.chunkSizes.every((size) => size !== null);
}
