/**
 * Where a chunked send reads its bytes from. A source knows its size up front (the first request must
 * say how many chunks follow) and can open any byte range again, so a failed chunk can be re-sent
 * without holding the whole message in memory.
 */
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';

export interface ChunkSource {
  size: number;
  /** A stream of bytes [start, end), opened fresh for each call. */
  open(start: number, end: number): Readable;
  /**
   * False when a range can be read only once (a one-pass stream): the client then holds each chunk in
   * memory so it can re-send it. Otherwise chunks are streamed and re-opened for a retry.
   */
  replayable?: boolean;
}

export function fileSource(path: string): ChunkSource {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw Object.assign(new Error('not a file'), { code: 'not a regular file' });
    size = stat.size;
  } catch (error) {
    throw new Error(
      `cannot send ${path}: ${(error as { code?: string }).code ?? 'unreadable'}; give the path of a readable file`,
    );
  }
  return { size, open: (start, end) => createReadStream(path, { start, end: end - 1, highWaterMark: 1 << 20 }) };
}

export function bufferSource(data: Uint8Array | string): ChunkSource {
  const bytes =
    typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return { size: bytes.length, open: (start, end) => Readable.from([bytes.subarray(start, end)]) };
}

/**
 * A one-pass stream of known size. Ranges must be opened in order, each once, as the chunked send does;
 * the client buffers each chunk itself so it can re-send it.
 */
export function streamSource(stream: Readable, size: number): ChunkSource {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let position = 0;
  let carry: Buffer = Buffer.alloc(0);
  return {
    size,
    replayable: false,
    open(start, end) {
      if (start !== position)
        throw new Error(`a one-pass stream source was asked for byte ${start} but is at byte ${position}`);
      position = end;
      let remaining = end - start;
      return Readable.from(
        (async function* () {
          while (remaining > 0) {
            if (carry.length === 0) {
              const next = await iterator.next();
              if (next.done) throw new Error(`the stream ended ${remaining} bytes before its declared size of ${size}`);
              carry = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
            }
            const piece = carry.subarray(0, remaining);
            carry = carry.subarray(piece.length);
            remaining -= piece.length;
            yield piece;
          }
        })(),
      );
    },
  };
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.isBuffer(part) ? part : Buffer.from(part as Uint8Array));
  return Buffer.concat(parts);
}
