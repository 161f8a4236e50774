/** Real MESH message ids: `YYYYMMDDHHMMSSffffff_XXXXXX` (UTC time to the microsecond, 6 upper-case hex digits). */
import { randomBytes } from 'node:crypto';
import { isoTime } from './iso-time.ts';

export const MESSAGE_ID_PATTERN = /^\d{20}_[0-9A-F]{6}$/;

// Random bytes for the suffixes, drawn 3 at a time from a block: one randomBytes call per id cost more
// than the rest of making the id.
let random: Buffer = Buffer.alloc(0);
let randomAt = 0;

function randomSuffix(): string {
  if (randomAt + 3 > random.length) {
    random = randomBytes(3 * 1024);
    randomAt = 0;
  }
  randomAt += 3;
  return random.toString('hex', randomAt - 3, randomAt).toUpperCase();
}

/** Makes a message id for `time`; `micros` (0..999) refines the millisecond clock so ids stay ordered. */
export function makeMessageId(time: Date, micros = 0, suffix = randomSuffix()): string {
  const stamp = isoTime(time).replace(/[-T:.Z]/g, ''); // YYYYMMDDHHMMSSmmm
  return `${stamp}${String(micros).padStart(3, '0')}_${suffix}`;
}

export function isMessageId(value: string): boolean {
  return MESSAGE_ID_PATTERN.test(value);
}

/** The UTC instant encoded in a real-format id, or undefined for any other id. */
export function messageIdTime(id: string): Date | undefined {
  if (!isMessageId(id)) return undefined;
  const iso = `${id.slice(0, 4)}-${id.slice(4, 6)}-${id.slice(6, 8)}T${id.slice(8, 10)}:${id.slice(10, 12)}:${id.slice(12, 14)}.${id.slice(14, 17)}Z`;
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? undefined : time;
}
