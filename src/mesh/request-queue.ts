/**
 * Limits how many requests a client has in flight. MESH's self-certification asks for one thread per
 * mailbox, so the default is 1: a request holds its slot until its response body is fully read.
 */
export class RequestQueue {
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`request concurrency must be a whole number >= 1, got ${limit}`);
  }

  /** Waits for a slot; the returned function frees it (calling it again does nothing). */
  async acquire(): Promise<() => void> {
    if (this.#active >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#active += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active -= 1;
    };
  }
}
