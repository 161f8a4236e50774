/**
 * Where the message log's fdatasync runs: on the event loop, or in the thread pool.
 *
 * On an SSD an fdatasync of a few pages takes about 0.2 ms, and sending it to the thread pool cost more
 * than it saved: under load, with every core busy, waking the pool thread and then the event loop again
 * stretched a sync's round trip to 0.8 ms median and 2 ms at the 90th percentile, and sends waited for it.
 * Run on the event loop, it blocks for the sync alone, and the requests that arrive meanwhile are read in
 * the next turn and share the next sync: 8 clients only sending got about 15% more sends a second through
 * (the benchmark's mixed load, whose downloads fill the sync waits, stayed within its noise).
 *
 * On a slow disk, though, a sync on the event loop would stall every request for its whole length. So
 * the policy watches the syncs it runs inline: when the median of the last SAMPLES is above SLOW_MS, the
 * next POOL_SYNCS go to the thread pool, after which it tries inline again. A median, not each sync:
 * one long sync (the log's zero-filled space growing by 4 MiB, about 20 ms here) must not switch the mode;
 * but a single sync above STALL_MS does, so that a very slow disk stalls the server only once.
 */
export const SLOW_MS = 2;
export const STALL_MS = 100;
export const SAMPLES = 15;
export const POOL_SYNCS = 500;

export class SyncPolicy {
  #samples: number[] = [];
  #poolSyncsLeft = 0;

  /** True when the next sync should run on the event loop; otherwise it is counted as one for the pool. */
  inline(): boolean {
    if (this.#poolSyncsLeft === 0) return true;
    this.#poolSyncsLeft--;
    return false;
  }

  /** Notes how long an inline sync took. */
  record(ms: number): void {
    if (ms > STALL_MS) {
      this.#samples = [];
      this.#poolSyncsLeft = POOL_SYNCS;
      return;
    }
    this.#samples.push(ms);
    if (this.#samples.length < SAMPLES) return;
    const median = this.#samples.sort((a, b) => a - b)[SAMPLES >> 1]!;
    this.#samples = [];
    if (median > SLOW_MS) this.#poolSyncsLeft = POOL_SYNCS;
  }
}
