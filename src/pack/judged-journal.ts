/**
 * The journal the product's requests were judged from, as the bundle ships it: the product mailbox's
 * entries of the server it talked to (the embedded sandbox's journal, or the recording relay's), in arrival
 * order, one JSON object a line. Entry i (line i + 1) is the request a verdict names `#i`, so every proof
 * in the report points into this file. The entries hold no secret: the journals never keep Authorization
 * or its HMAC, only the token's nonce, count and timestamp.
 */
import { writeFileSync } from 'node:fs';
import type { JournalEntry } from '../sandbox/index.ts';

/**
 * A mailbox's entries in arrival order. The relay writes each entry as its exchange completes, so its file
 * is in completion order; a server log reads in arrival order (a stable sort keeps ties as written).
 */
export const mailboxEntriesByArrival = <T extends JournalEntry>(entries: readonly T[], mailboxId: string): T[] =>
  entries.filter((e) => e.mailbox === mailboxId).sort((a, b) => Date.parse(a.time) - Date.parse(b.time));

export function writeJudgedJournal(path: string, entries: readonly JournalEntry[]): void {
  writeFileSync(path, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
}
