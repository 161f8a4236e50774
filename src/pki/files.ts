/** Writing certificate material to disk: keys private to the user, and never a half-written file. */
import { chmod, rename, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';

export const PRIVATE_FILE_MODE = 0o600;

/**
 * Writes through a temporary file and a rename, so a reader (a sandbox restarting beside a running
 * client) sees the old file or the new one, never a partial one. The explicit chmod covers umask and
 * Windows, where the mode is advisory.
 */
export async function writeFileAtomic(path: string, data: string, mode = 0o644): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, data, { mode });
  await chmod(temporary, mode);
  await rename(temporary, path);
}

/** A private key file, readable by its owner only. */
export function writePrivateFile(path: string, data: string): Promise<void> {
  return writeFileAtomic(path, data, PRIVATE_FILE_MODE);
}
