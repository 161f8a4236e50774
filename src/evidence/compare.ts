/**
 * The change per case between a baseline run and this one: what an RFC rerun has to show. Pass to fail,
 * fail to pass, newly pending, added, removed, any other change of result, and large timing changes (at
 * least twice or half as long, and at least a second apart).
 */
import type { CaseOutcome, CaseResult } from './case-results.ts';

export type ChangeKind =
  'pass-to-fail' | 'fail-to-pass' | 'newly-pending' | 'added' | 'removed' | 'slower' | 'faster' | 'result-changed';

export interface CaseChange {
  id: string;
  change: ChangeKind;
  before: CaseOutcome | null;
  after: CaseOutcome | null;
  text: string;
}

type Compared = Pick<CaseResult, 'id' | 'title' | 'result' | 'durationMs'>;

const TIMING_FACTOR = 2;
const TIMING_MIN_MS = 1000;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function resultChange(before: Compared, after: Compared): ChangeKind | undefined {
  if (before.result === after.result) return undefined;
  if (before.result === 'passed' && after.result === 'failed') return 'pass-to-fail';
  if (before.result === 'failed' && after.result === 'passed') return 'fail-to-pass';
  if (after.result === 'pending') return 'newly-pending';
  return 'result-changed';
}

function timingChange(before: Compared, after: Compared): CaseChange | undefined {
  const [was, now] = [before.durationMs, after.durationMs];
  if (was === null || now === null || Math.abs(now - was) < TIMING_MIN_MS) return undefined;
  const ratio = now / Math.max(was, 1);
  if (ratio < TIMING_FACTOR && ratio > 1 / TIMING_FACTOR) return undefined;
  const change: ChangeKind = now > was ? 'slower' : 'faster';
  const factor = now > was ? ratio : 1 / Math.max(ratio, 1e-9);
  return {
    id: after.id,
    change,
    before: before.result,
    after: after.result,
    text: `${after.title}: ${seconds(was)} → ${seconds(now)} (${factor.toFixed(1)}x ${change})`,
  };
}

export function compareCases(baseline: readonly Compared[], current: readonly Compared[]): CaseChange[] {
  const old = new Map(baseline.map((c) => [c.id, c]));
  const now = new Map(current.map((c) => [c.id, c]));
  const changes: CaseChange[] = [];
  for (const after of current) {
    const before = old.get(after.id);
    if (!before) {
      changes.push({
        id: after.id,
        change: 'added',
        before: null,
        after: after.result,
        text: `${after.title}: added (${after.result})`,
      });
      continue;
    }
    const kind = resultChange(before, after);
    if (kind)
      changes.push({
        id: after.id,
        change: kind,
        before: before.result,
        after: after.result,
        text: `${after.title}: ${before.result} → ${after.result}`,
      });
    else {
      const timing = timingChange(before, after);
      if (timing) changes.push(timing);
    }
  }
  for (const before of baseline) {
    if (!now.has(before.id))
      changes.push({
        id: before.id,
        change: 'removed',
        before: before.result,
        after: null,
        text: `${before.title}: removed (was ${before.result})`,
      });
  }
  return changes;
}
