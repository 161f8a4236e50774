/** The human form of the doctor's results: one line per check, its fix indented below, and a tally. */
import type { CheckResult, CheckStatus } from './result.ts';

export function formatResults(results: CheckResult[]): string[] {
  const width = Math.max(...results.map((r) => r.name.length));
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.status.padEnd(4)}  ${r.name.padEnd(width)}  ${r.detail}`);
    if (r.fix) lines.push(`${' '.repeat(width + 8)}fix: ${r.fix}`);
  }
  const count = (status: CheckStatus) => results.filter((r) => r.status === status).length;
  lines.push('', `${count('PASS')} passed, ${count('WARN')} warned, ${count('FAIL')} failed, ${count('SKIP')} skipped`);
  return lines;
}
