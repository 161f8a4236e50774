/** A server starts listening, or fails with what to do about it: a port in use is the usual first-run stumble. */
import type { Server } from 'node:net';

/** Listens on `host`:`port` (0: a free port); `who` names the server in the error ("sandbox", "relay"). */
export function startListening(server: Server, port: number, host: string, who: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const at = `${host.includes(':') ? `[${host}]` : host}:${port}`;
      const why: Record<string, string> = {
        EADDRINUSE: `${at} is already in use (another ${who}, or another program): stop it, or give --port another number (0 picks a free one)`,
        EACCES: `${at} needs privileges this user lacks: give --port a number above 1023`,
        EADDRNOTAVAIL: `${host} is not an address of this machine: give --host one that is (127.0.0.1 by default)`,
      };
      const said = error.code ? why[error.code] : undefined;
      reject(said ? Object.assign(new Error(`${who}: ${said}`), { code: error.code }) : error);
    });
    server.listen(port, host, () => resolve());
  });
}
