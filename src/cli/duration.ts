/** Durations as the CLI takes them (500ms, 90s, 5m, 2h; a bare number is seconds). */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `value` in milliseconds; `name` is the option it came from, for the error. */
export function parseDuration(name: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw new Error(`--${name} must be a duration such as 500ms, 90s, 5m or 2h, not "${value}"`);
  return Math.round(Number(m[1]) * UNITS[m[2] ?? 's']!);
}
