/**
 * Message lifecycle (mesh-api-notes 7): delivery, acknowledgement, status events, reports, expiry and
 * deletion. Both run lazily (on each request and when the clock moves) rather than on timers: a message
 * left unacknowledged `expiryDays` after delivery becomes undeliverable and its sender gets a REPORT; every
 * message, in whatever status, is deleted completely 30 days after its delivery (or, never delivered, its
 * upload began; or `expiryDays`, if longer), as the real service deletes them.
 */
import { isoTime, makeMessageId, notCollectedError } from '../protocol/index.ts';
import type { SandboxClock } from './clock.ts';
import type { MessageStore } from './store/message-store.ts';
import { statusOf, type MessageEvent, type StoredMessage } from './store/message.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The real service deletes messages this long after delivery (mesh-api-notes 7.3). */
const DELETE_AFTER_DAYS = 30;

export interface ReportInput {
  recipient: string;
  workflowId: string;
  code: string;
  description: string;
  event?: string;
  /** `error` or `undeliverable`. */
  status?: string;
  linkedMessageId?: string;
  localId?: string;
  subject?: string;
  fileName?: string;
}

export class Lifecycle {
  /** The earliest time an accepted message expires or any message is deleted: nothing to do before it. */
  #nextDueMs = Infinity;
  #sweeping: Promise<void> | undefined;
  #lastIdMs = 0;
  #idMicros = 0;
  /** The next delivery position: inbox lists follow it, and continue_from points at it. */
  #nextDeliverySeq = 1;

  constructor(
    private readonly store: MessageStore,
    private readonly clock: SandboxClock,
    private readonly expiryDays: number,
    private readonly expiryRelaxed: boolean,
  ) {
    for (const message of store.all()) {
      this.#noteDue(message);
      this.#nextDeliverySeq = Math.max(this.#nextDeliverySeq, (message.deliverySeq ?? 0) + 1);
    }
  }

  /** A new real-format id, unique and ordered even within one millisecond. */
  newMessageId(now: Date): string {
    const ms = now.getTime();
    if (ms > this.#lastIdMs) {
      this.#lastIdMs = ms;
      this.#idMicros = 0;
    } else {
      this.#idMicros = Math.min(this.#idMicros + 1, 999);
    }
    let id: string;
    do id = makeMessageId(new Date(this.#lastIdMs), this.#idMicros);
    while (this.store.get(id));
    return id;
  }

  event(status: string, details: Omit<MessageEvent, 'status' | 'timestamp'> = {}): MessageEvent {
    return { status, timestamp: isoTime(this.clock.now()), ...details };
  }

  expiresAt(message: StoredMessage): Date {
    return new Date(this.#expiryMs(startMs(message)));
  }

  #expiryMs(start: number): number {
    return start + this.expiryDays * DAY_MS;
  }

  /** Never before the message could expire, whatever `expiryDays` is. */
  #deletionMs(start: number): number {
    return start + Math.max(DELETE_AFTER_DAYS, this.expiryDays) * DAY_MS;
  }

  /** Saves the first chunk of a chunked message: uploading until its last chunk arrives. */
  beginUpload(message: StoredMessage): Promise<void> {
    message.events.push(this.event('uploading'));
    this.#noteDue(message);
    return this.store.save(message);
  }

  /** Puts the message in its recipient's inbox: accepted, newest in delivery order. */
  deliver(message: StoredMessage, event = this.event('accepted')): Promise<void> {
    message.events.unshift(event);
    message.deliveredAt = event.timestamp;
    message.deliverySeq = this.#nextDeliverySeq++;
    this.#noteDue(message);
    return this.store.save(message);
  }

  /** Takes the message out of the inbox for good (410 from now on, unless relaxed). */
  acknowledge(message: StoredMessage): Promise<void> {
    const event = this.event('acknowledged');
    message.events.unshift(event);
    message.acknowledgedAt = event.timestamp;
    return this.store.save(message);
  }

  /** Admin: push any status event; `accepted` puts a message back in the inbox. */
  addEvent(message: StoredMessage, event: MessageEvent): Promise<void> {
    if (event.status === 'accepted') return this.deliver(message, event);
    message.events.unshift(event);
    return this.store.save(message);
  }

  async createReport(input: ReportInput): Promise<StoredMessage> {
    const now = this.clock.now();
    const report: StoredMessage = {
      messageId: this.newMessageId(now),
      messageType: 'REPORT',
      sender: '',
      recipient: input.recipient,
      workflowId: input.workflowId,
      ...(input.subject !== undefined ? { subject: input.subject } : {}),
      ...(input.localId !== undefined ? { localId: input.localId } : {}),
      ...(input.linkedMessageId !== undefined ? { linkedMessageId: input.linkedMessageId } : {}),
      fileName: input.fileName ?? '',
      encrypted: false,
      compressed: false,
      // A report is one empty chunk (mex-chunk-range 1:1), see docs/sandbox.md.
      totalChunks: 1,
      chunkSizes: [0],
      events: [
        this.event(input.status ?? 'error', {
          event: input.event ?? 'TRANSFER',
          code: input.code,
          description: input.description,
          ...(input.linkedMessageId !== undefined ? { linkedMessageId: input.linkedMessageId } : {}),
        }),
      ],
      createdAt: isoTime(now),
    };
    if (!report.fileName) report.fileName = `${report.messageId}.ctl`;
    await this.deliver(report);
    return report;
  }

  /** Expires a message now: undeliverable for the recipient, and a REPORT (code 14) for the sender. */
  async expire(message: StoredMessage): Promise<StoredMessage | undefined> {
    const error = notCollectedError(this.expiryDays);
    const details = {
      event: error.event,
      code: error.code,
      description: error.description,
      linkedMessageId: message.messageId,
    };
    message.events.unshift(this.event('undeliverable', details));
    await this.store.save(message);
    if (message.messageType !== 'DATA' || message.sender === '') return undefined;
    return this.createReport({
      recipient: message.sender,
      workflowId: message.workflowId,
      status: 'error',
      ...details,
      ...(message.localId !== undefined ? { localId: message.localId } : {}),
      ...(message.subject !== undefined ? { subject: message.subject } : {}),
    });
  }

  /** Expires every accepted message whose time is up and deletes those past their 30 days. Cheap when nothing is due. */
  expireAndDeleteDue(nowMs = this.clock.now().getTime()): Promise<void> {
    if (this.expiryRelaxed || nowMs < this.#nextDueMs) return this.#sweeping ?? Promise.resolve();
    this.#sweeping ??= this.#sweepDue().finally(() => (this.#sweeping = undefined));
    return this.#sweeping;
  }

  async #sweepDue(): Promise<void> {
    const now = this.clock.now().getTime();
    this.#nextDueMs = Infinity;
    const expiring: StoredMessage[] = [];
    const deleting: string[] = [];
    for (const message of this.store.all()) {
      const start = startMs(message);
      const expires = statusOf(message) === 'accepted' && this.#expiryMs(start) <= now;
      const deleted = this.#deletionMs(start) <= now;
      // One due for both (the clock moved a month at once) still expires first: its sender gets the report.
      if (expires) expiring.push(message);
      if (deleted) deleting.push(message.messageId);
      if (!expires && !deleted) this.#noteDue(message);
    }
    // Reports made here are new messages: they note their own times as they are delivered.
    for (const message of expiring) {
      await this.expire(message);
      this.#noteDue(message);
    }
    await this.store.delete(deleting);
  }

  /** Uploads that never finish are noted too: they are deleted like the rest. */
  #noteDue(message: StoredMessage): void {
    const start = startMs(message);
    const expiry = statusOf(message) === 'accepted' ? this.#expiryMs(start) : Infinity;
    this.#nextDueMs = Math.min(this.#nextDueMs, expiry, this.#deletionMs(start));
  }
}

/** When a message's expiry and deletion clocks start: its delivery, or the start of an upload never finished. */
const startMs = (message: StoredMessage): number => Date.parse(message.deliveredAt ?? message.createdAt);
