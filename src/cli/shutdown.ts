/**
 * A long-running command (sandbox, relay) stops on SIGINT or SIGTERM by closing its server. Call it before
 * printing "ready": a caller may signal as soon as it reads that line, and the default action would kill
 * the process without closing.
 */
export function closeOnSignal(name: string, close: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      console.error(`mesh-assure ${name}: ${signal}, shutting down`);
      void close().then(resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
