/** The table `mesh-assure run` prints at the end: case, result, message ids, duration. */
import type { CaseResult } from './case-results.ts';
import type { CaseChange } from './compare.ts';

const SHOWN_IDS = 2;

function ids(messageIds: readonly string[]): string {
  if (messageIds.length === 0) return '-';
  const more = messageIds.length - SHOWN_IDS;
  return messageIds.slice(0, SHOWN_IDS).join(' ') + (more > 0 ? ` (+${more} more)` : '');
}

export function formatCaseTable(cases: readonly CaseResult[]): string[] {
  const rows = cases.map((c) => [
    c.id,
    c.result,
    ids(c.messageIds),
    c.durationMs === null ? '-' : `${(c.durationMs / 1000).toFixed(1)} s`,
  ]);
  const all = [['case', 'result', 'message ids', 'duration'], ...rows];
  const widths = [0, 1, 2].map((i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) =>
    r
      .map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell))
      .join('  ')
      .trimEnd(),
  );
}

export function formatChanges(changes: readonly CaseChange[]): string[] {
  return changes.length === 0
    ? ['no case changed since the baseline']
    : changes.map((c) => `${c.change.padEnd(14)} ${c.text}`);
}
