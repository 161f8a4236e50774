/** A pass-through that counts what it streams, for the journal and for streamed-memory's collections. */
import { Transform, type TransformCallback } from 'node:stream';
import { noteStreamed } from '../runtime/streamed-memory.ts';

export class Metered extends Transform {
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    noteStreamed(chunk.length);
    this.check(callback, chunk);
  }

  /** Passes the chunk on; subclasses may refuse it instead. */
  protected check(callback: TransformCallback, chunk: Buffer): void {
    callback(null, chunk);
  }
}
