/**
 * Small chunks just committed, kept in memory up to a byte budget so that their download (usually soon
 * after) needs no read from the log: a read syscall per download cost more than the rest of serving a
 * small message. The log stays the truth; this only saves reading it back. Oldest entries go first.
 */
export class RecentChunks {
  readonly #chunks = new Map<string, Buffer>();
  #bytes = 0;

  constructor(private readonly budget: number) {}

  get(key: string): Buffer | undefined {
    return this.#chunks.get(key);
  }

  put(key: string, bytes: Buffer): void {
    if (bytes.length > this.budget) return;
    this.delete(key);
    this.#chunks.set(key, bytes);
    this.#bytes += bytes.length;
    if (this.#bytes <= this.budget) return;
    for (const [oldest, old] of this.#chunks) {
      if (this.#bytes <= this.budget) break;
      this.#chunks.delete(oldest);
      this.#bytes -= old.length;
    }
  }

  delete(key: string): void {
    const bytes = this.#chunks.get(key);
    if (!bytes) return;
    this.#chunks.delete(key);
    this.#bytes -= bytes.length;
  }
}
