/** The part of yazl 3 (which ships no types) that the bundle's zip writer uses. */
declare module 'yazl' {
  import type { Readable } from 'node:stream';

  interface EntryOptions {
    mtime?: Date;
    mode?: number;
    compress?: boolean;
    forceDosTimestamp?: boolean;
  }

  class ZipFile {
    readonly outputStream: Readable;
    addBuffer(buffer: Buffer, metadataPath: string, options?: EntryOptions): void;
    end(): void;
  }

  const yazl: { ZipFile: typeof ZipFile };
  export default yazl;
}
