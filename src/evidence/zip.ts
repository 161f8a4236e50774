/**
 * The bundle's zip: written reproducibly (entries sorted by name, one fixed timestamp, fixed permissions,
 * no extended-time field), so the same files always give the same bytes; and read back without trusting
 * it, for verify and compare: an entry that does not inflate or fails its CRC is reported, not thrown.
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { crc32, inflateRawSync } from 'node:zlib';
import yazl from 'yazl';

/**
 * 1 January 2000 00:00 as local wall time: the DOS timestamp a zip stores is local time, so building it from
 * local fields gives the same bytes in every time zone.
 */
const FIXED_MTIME = new Date(2000, 0, 1, 0, 0, 0);
const FILE_MODE = 0o100644;

export async function writeReproducibleZip(zipPath: string, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const name of [...files.keys()].sort()) {
    zip.addBuffer(Buffer.from(files.get(name)!), name, {
      mtime: FIXED_MTIME,
      mode: FILE_MODE,
      compress: true,
      forceDosTimestamp: true,
    });
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(zipPath));
}

export interface ZipEntry {
  name: string;
  /** Undefined when the entry could not be read back; `problem` says why. */
  data: Uint8Array | undefined;
  problem?: string;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

function findEndOfCentralDirectory(zip: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65,535 bytes, at the very end.
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (zip.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  throw new Error('not a zip file (no end-of-central-directory record)');
}

function readEntry(zip: Buffer, central: number): { entry: ZipEntry; next: number } {
  const method = zip.readUInt16LE(central + 10);
  const crc = zip.readUInt32LE(central + 16);
  const compressedSize = zip.readUInt32LE(central + 20);
  const nameLength = zip.readUInt16LE(central + 28);
  const extraLength = zip.readUInt16LE(central + 30);
  const commentLength = zip.readUInt16LE(central + 32);
  const localOffset = zip.readUInt32LE(central + 42);
  const name = zip.toString('utf8', central + 46, central + 46 + nameLength);
  const next = central + 46 + nameLength + extraLength + commentLength;
  try {
    if (zip.readUInt32LE(localOffset) !== LOCAL_HEADER)
      return { entry: { name, data: undefined, problem: 'local header damaged' }, next };
    const start = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const raw = zip.subarray(start, start + compressedSize);
    const data = method === 8 ? inflateRawSync(raw) : method === 0 ? raw : undefined;
    if (!data) return { entry: { name, data: undefined, problem: `unsupported compression method ${method}` }, next };
    if (crc32(data) !== crc)
      return { entry: { name, data: undefined, problem: 'CRC check failed: the stored bytes were altered' }, next };
    return { entry: { name, data }, next };
  } catch {
    return {
      entry: { name, data: undefined, problem: 'compressed data damaged: the stored bytes were altered' },
      next,
    };
  }
}

/** Every entry of a zip in central-directory order. Throws only when the data is not a zip at all. */
export function zipEntries(zip: Buffer): ZipEntry[] {
  const end = findEndOfCentralDirectory(zip);
  const count = zip.readUInt16LE(end + 10);
  let central = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (central + 46 > zip.length || zip.readUInt32LE(central) !== CENTRAL_HEADER)
      throw new Error('the zip central directory is damaged');
    const { entry, next } = readEntry(zip, central);
    entries.push(entry);
    central = next;
  }
  return entries;
}

export const readZip = async (zipPath: string): Promise<ZipEntry[]> => zipEntries(await readFile(zipPath));

export const looksLikeZip = (data: Buffer): boolean => data.length >= 4 && data.readUInt32LE(0) === LOCAL_HEADER;
