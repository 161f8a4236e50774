/**
 * Keeps RSS flat while gigabytes stream through a process (the sandbox serving, the client transferring).
 * Every socket read and file read allocates a 64 KiB buffer; V8 frees them only when its own (small) heap
 * needs collecting, so tens of MB of dead buffers pile up during a large transfer. A minor GC
 * (sub-millisecond) after every 4 MB streamed frees them, when the process owner made the collector
 * available (`node --expose-gc`, or bin/mesh-assure.mjs): importing this module changes nothing.
 */
import { runInNewContext } from 'node:vm';

const EVERY_BYTES = 4 * 1024 * 1024;

type Collector = (options: { type: 'minor' | 'major' }) => void;
let collector: Collector | null | undefined;
let sinceLastGc = 0;

/** The collector if the process exposes one: in this context (--expose-gc) or to new ones (the flag set at run time). */
function findCollector(): Collector | null {
  const own = (globalThis as { gc?: Collector }).gc;
  if (typeof own === 'function') return own;
  try {
    return runInNewContext('typeof gc === "function" ? gc : null') as Collector | null;
  } catch {
    return null;
  }
}

/** Counts bytes that passed through a stream; collects the young generation every few MB. */
export function noteStreamed(bytes: number): void {
  sinceLastGc += bytes;
  if (sinceLastGc < EVERY_BYTES) return;
  sinceLastGc = 0;
  collector ??= findCollector();
  collector?.({ type: 'minor' });
}
