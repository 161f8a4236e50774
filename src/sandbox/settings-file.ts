/** Sandbox state that is not a message but must survive a restart: the clock offset and disabled mailboxes. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DirSyncer, writeFileDurably } from './store/durable.ts';

export interface PersistedSettings {
  clockOffsetMs: number;
  disabledMailboxes: string[];
}

export class SettingsFile {
  readonly #path: string;
  readonly #syncer: DirSyncer;
  #chain: Promise<void> = Promise.resolve();

  constructor(dataDir: string) {
    this.#path = join(dataDir, 'sandbox-state.json');
    this.#syncer = new DirSyncer(dataDir);
  }

  async read(): Promise<PersistedSettings> {
    try {
      const json = JSON.parse(await readFile(this.#path, 'utf8')) as Partial<PersistedSettings>;
      return {
        clockOffsetMs: Number(json.clockOffsetMs) || 0,
        disabledMailboxes: Array.isArray(json.disabledMailboxes) ? json.disabledMailboxes : [],
      };
    } catch {
      return { clockOffsetMs: 0, disabledMailboxes: [] };
    }
  }

  /** Writes `settings()` as it is when the write runs, after any write already under way. */
  write(settings: () => PersistedSettings): Promise<void> {
    this.#chain = this.#chain
      .catch(() => undefined)
      .then(async () => {
        await writeFileDurably(this.#path, JSON.stringify(settings()));
        await this.#syncer.sync();
      });
    return this.#chain;
  }
}
