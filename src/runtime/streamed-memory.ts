/**
 * Keeps RSS flat while gigabytes stream through a process (the sandbox serving, the client transferring).
 * Every socket read and file read allocates a 64 KiB buffer; V8 frees them only when its own (small) heap
 * needs collecting, so tens of MB of dead buffers pile up during a large transfer. A minor GC
 * (sub-millisecond) after every 4 MB streamed frees them.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const EVERY_BYTES = 4 * 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as ((options: { type: 'minor' | 'major' }) => void) | undefined;
let sinceLastGc = 0;

/** Counts bytes that passed through a stream; collects the young generation every few MB. */
export function noteStreamed(bytes: number): void {
  sinceLastGc += bytes;
  if (sinceLastGc < EVERY_BYTES) return;
  sinceLastGc = 0;
  gc?.({ type: 'minor' });
}
