/** A one-line progress bar on stderr, drawn only when stderr is a terminal (never in CI logs or pipes). */
import type { TransferProgress } from '../mesh/index.ts';
import { formatBytes } from './sizes.ts';

export function progressBar(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): { update(p: TransferProgress): void; done(): void } {
  if (!stream.isTTY) return { update() {}, done() {} };
  const started = Date.now();
  let drawn = false;
  return {
    update(p) {
      const fraction = p.bytesTotal ? p.bytesDone / p.bytesTotal : p.chunk / p.chunks;
      const width = 24;
      const filled = Math.round(Math.min(1, fraction) * width);
      const rate = p.bytesDone / Math.max(0.001, (Date.now() - started) / 1000);
      stream.write(
        `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] chunk ${p.chunk}/${p.chunks} ${formatBytes(p.bytesDone)} ${formatBytes(rate)}/s `,
      );
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}
