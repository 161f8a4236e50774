/**
 * Date.prototype.toISOString with the text of the current second remembered: V8 formats every call
 * through printf, and the sandbox stamps several times per request (journal, events, message ids).
 */
let cachedSecond = NaN;
/** `YYYY-MM-DDTHH:MM:SS.` of cachedSecond; undefined for years toISOString writes in its long form. */
let cachedPrefix: string | undefined;

/** Exactly `time.toISOString()`. */
export function isoTime(time: Date): string {
  const ms = time.getTime();
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    const iso = time.toISOString();
    cachedSecond = second;
    cachedPrefix = iso.length === 24 ? iso.slice(0, 20) : undefined;
    return iso;
  }
  if (cachedPrefix === undefined) return time.toISOString();
  const fraction = ms - second * 1000;
  return `${cachedPrefix}${fraction < 10 ? '00' : fraction < 100 ? '0' : ''}${fraction}Z`;
}
