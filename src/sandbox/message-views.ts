/**
 * How a stored message is shown: the mex-* headers of a download or HEAD (mesh-api-notes 5.2) and the
 * v1/v2 tracking bodies (4.10). Flags are echoed as the sender set them, with an explicit `N` when false,
 * as the real service does; transport compression is told by Content-Encoding alone.
 */
import { HEADER } from '../protocol/index.ts';
import type { Mailboxes } from './mailboxes.ts';
import { errorEvent, fileSize, statusOf, type StoredMessage } from './store/message.ts';

/** `YYYYMMDDHHMMSS` in UTC. */
const compactTime = (iso: string | undefined): string => (iso ? iso.replace(/[-T:]/g, '').slice(0, 14) : '');

/** ISO without zone, as the official sandbox writes tracking times. */
const naiveIso = (iso: string | undefined): string | undefined => iso?.replace(/Z$/, '');

function statusDetails(message: StoredMessage): {
  code: string;
  event: string;
  description: string;
  success: boolean;
  timestamp: string;
} {
  const error = errorEvent(message);
  const newest = message.events.find((e) => e.status === 'accepted' || e.code !== undefined) ?? message.events[0];
  const timestamp = compactTime(newest?.timestamp ?? message.createdAt);
  if (
    message.messageType === 'REPORT' ||
    (error && statusOf(message) !== 'accepted' && statusOf(message) !== 'acknowledged')
  ) {
    return {
      code: error?.code ?? '',
      event: error?.event ?? '',
      description: error?.description ?? '',
      success: false,
      timestamp,
    };
  }
  // A literal: spreading a shared constant and adding to the copy took V8 two microseconds.
  return { code: '00', event: 'TRANSFER', description: 'Transferred to recipient mailbox', success: true, timestamp };
}

const flag = (value: boolean): string => (value ? 'Y' : 'N');

/** Sets a header that has a value; blank and absent values are left out. */
function put(headers: Record<string, string>, name: string, value: string | undefined): void {
  if (value !== undefined && value !== '') headers[name] = value;
}

/** The mex-* headers of chunk `chunk`, leaving out those with no value. */
export function downloadHeaders(message: StoredMessage, chunk: number): Record<string, string> {
  const status = statusDetails(message);
  const isReport = message.messageType === 'REPORT';
  const headers: Record<string, string> = {};
  put(headers, HEADER.from, message.sender);
  put(headers, HEADER.to, message.recipient);
  put(headers, HEADER.workflowId, message.workflowId);
  put(headers, HEADER.chunkRange, `${chunk}:${message.totalChunks}`);
  put(headers, HEADER.totalChunks, String(message.totalChunks));
  put(headers, HEADER.addressType, 'ALL');
  put(headers, HEADER.localId, message.localId);
  put(headers, HEADER.partnerId, message.partnerId);
  put(headers, HEADER.fileName, message.fileName);
  put(headers, HEADER.subject, message.subject);
  put(headers, HEADER.version, '1.0');
  put(headers, HEADER.messageType, message.messageType);
  put(headers, HEADER.messageId, message.messageId);
  if (isReport) put(headers, HEADER.linkedMessageId, message.linkedMessageId ?? errorEvent(message)?.linkedMessageId);
  put(headers, HEADER.statusCode, status.code);
  put(headers, HEADER.statusEvent, status.event);
  put(headers, HEADER.statusDescription, status.description);
  put(headers, HEADER.statusSuccess, status.success ? 'SUCCESS' : 'ERROR');
  put(headers, HEADER.statusTimestamp, status.timestamp);
  put(headers, HEADER.contentCompressed, flag(message.compressed));
  put(headers, HEADER.contentEncrypted, flag(message.encrypted));
  put(headers, HEADER.contentChecksum, message.checksum);
  put(headers, HEADER.mexContentType, message.contentType);
  return headers;
}

const title = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();

export function trackingV2(message: StoredMessage, mailboxes: Mailboxes, expiresAt: Date): Record<string, unknown> {
  const recipient = mailboxes.mailbox(message.recipient);
  const status = statusDetails(message);
  const showError = !status.success;
  return omitUndefined({
    message_id: message.messageId,
    local_id: message.localId ?? '',
    workflow_id: message.workflowId,
    filename: message.fileName,
    expiry_time: naiveIso(expiresAt.toISOString()),
    upload_timestamp: naiveIso(message.createdAt),
    recipient: message.recipient,
    recipient_name: recipient?.mailboxName,
    recipient_ods_code: recipient?.odsCode,
    recipient_org_code: recipient?.orgCode,
    recipient_org_name: recipient?.orgName,
    status_success: status.success,
    status: statusOf(message),
    status_event: showError ? status.event : undefined,
    status_timestamp: showError ? status.timestamp : undefined,
    status_description: showError ? status.description : undefined,
    status_code: showError ? status.code : undefined,
  });
}

export function trackingV1(message: StoredMessage, mailboxes: Mailboxes, expiresAt: Date): Record<string, unknown> {
  const recipient = mailboxes.mailbox(message.recipient);
  const sender = mailboxes.mailbox(message.sender);
  const status = statusDetails(message);
  const failed = !status.success;
  return omitUndefined({
    addressType: 'ALL',
    checksum: message.checksum ?? '',
    chunkCount: message.totalChunks,
    compressFlag: message.compressed ? 'Y' : '',
    contentEncoding: message.contentEncoding ?? '',
    downloadTimestamp: compactTime(message.acknowledgedAt),
    dtsId: message.messageId,
    encryptedFlag: message.encrypted ? 'Y' : '',
    expiryTime: compactTime(expiresAt.toISOString()),
    failureDate: failed ? status.timestamp : undefined,
    failureDiagnostic: failed ? status.description : undefined,
    fileName: message.fileName,
    fileSize: fileSize(message),
    isCompressed: message.compressed ? 'Y' : '',
    linkedMsgId: failed ? errorEvent(message)?.linkedMessageId : undefined,
    localId: message.localId ?? '',
    meshRecipientOdsCode: recipient?.odsCode,
    messageId: message.messageId,
    messageType: title(message.messageType),
    partnerId: message.partnerId ?? '',
    recipient: message.recipient,
    recipientName: recipient?.mailboxName,
    recipientOrgCode: recipient?.orgCode,
    recipientOrgName: recipient?.orgName,
    recipientSmtp: '',
    sender: message.sender,
    senderName: sender?.mailboxName ?? 'Central System Mailbox',
    senderOdsCode: sender?.odsCode ?? 'X26',
    senderOrgCode: sender?.orgCode ?? 'X26',
    senderOrgName: sender?.orgName ?? 'Central System Mailbox',
    senderSmtp: '',
    status: title(statusOf(message)),
    statusCode: failed ? status.code : undefined,
    statusDescription: failed ? status.description : undefined,
    statusEvent: failed ? status.event : undefined,
    statusTimestamp: failed ? status.timestamp : undefined,
    statusSuccess: failed ? 'ERROR' : 'SUCCESS',
    subject: message.subject ?? '',
    uploadTimestamp: compactTime(message.createdAt),
    version: '1.0',
    workflowId: message.workflowId,
  });
}

function omitUndefined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}

/** The admin API's message details (mesh-api-notes 9.4). */
export function adminDetails(message: StoredMessage, mailboxes: Mailboxes, expiresAt: Date): Record<string, unknown> {
  const v1 = trackingV1(message, mailboxes, expiresAt);
  const status = statusDetails(message);
  return omitUndefined({
    checksum: message.checksum ?? '',
    chunk_count: message.totalChunks,
    content_encoding: message.contentEncoding ?? '',
    download_timestamp: message.acknowledgedAt,
    expiry_time: naiveIso(expiresAt.toISOString()),
    failure_date: v1.failureDate,
    failure_diagnostic: v1.failureDiagnostic,
    filename: message.fileName,
    file_size: fileSize(message),
    is_compressed: message.compressed,
    is_encrypted: message.encrypted,
    linked_msg_id: message.linkedMessageId ?? errorEvent(message)?.linkedMessageId,
    local_id: message.localId,
    message_id: message.messageId,
    message_type: title(message.messageType),
    recipient: message.recipient,
    recipient_name: v1.recipientName,
    recipient_ods_code: v1.meshRecipientOdsCode,
    recipient_org_code: v1.recipientOrgCode,
    recipient_org_name: v1.recipientOrgName,
    sender: message.sender,
    sender_name: v1.senderName,
    sender_ods_code: v1.senderOdsCode,
    sender_org_code: v1.senderOrgCode,
    sender_org_name: v1.senderOrgName,
    status: title(statusOf(message)),
    status_code: status.success ? undefined : status.code,
    status_description: status.success ? undefined : status.description,
    status_event: status.success ? undefined : status.event,
    status_success: status.success ? 'SUCCESS' : 'ERROR',
    status_timestamp: status.timestamp,
    subject: message.subject,
    upload_timestamp: naiveIso(message.createdAt),
    workflow_id: message.workflowId,
  });
}
