/**
 * node --import tsx bench/network-link.ts TARGET_PORT MBIT RTT_MS
 * A network link between this machine and a MESH server, for bench:relay: a TCP forwarder on loopback
 * that carries each direction's bytes at MBIT megabits a second and delivers them half RTT_MS after
 * they were sent, as a route to INT would. TLS passes through it untouched (it never reads the bytes),
 * so a client's certificate and the server's verification are those of the real path. It prints
 * `ready PORT` once it listens.
 */
import { connect, createServer, type Socket } from 'node:net';

const [targetPort, mbit, rttMs] = process.argv.slice(2).map(Number);
if (!targetPort || !mbit || rttMs === undefined || Number.isNaN(rttMs)) {
  console.error('usage: network-link.ts TARGET_PORT MBIT RTT_MS');
  process.exit(2);
}
const bytesPerMs = (mbit * 1_000_000) / 8 / 1000;
const oneWayMs = rttMs / 2;
// What the link holds in flight before the sender is held back: its bandwidth-delay product, and 1 MiB of queue.
const inFlightLimit = Math.ceil(bytesPerMs * rttMs) + 1024 * 1024;

/** One direction of the link: bytes leave `from` at the link's rate and reach `to` one way's delay later. */
function carry(from: Socket, to: Socket): void {
  const queue: { piece: Buffer; at: number }[] = [];
  let inFlight = 0;
  let busyUntil = 0;
  let timer: NodeJS.Timeout | undefined;
  let ended = false;
  let blocked = false; // the receiver is not reading: nothing more goes until it drains
  const deliver = (): void => {
    timer = undefined;
    if (blocked) return;
    const now = performance.now();
    while (queue.length > 0 && queue[0]!.at <= now) {
      const { piece } = queue.shift()!;
      inFlight -= piece.length;
      if (!to.write(piece)) {
        blocked = true;
        to.once('drain', () => {
          blocked = false;
          deliver();
        });
        return;
      }
    }
    if (inFlight < inFlightLimit) from.resume();
    if (queue.length > 0) timer = setTimeout(deliver, Math.max(0, queue[0]!.at - now));
    else if (ended) to.end();
  };
  from.on('data', (piece: Buffer) => {
    const now = performance.now();
    busyUntil = Math.max(busyUntil, now) + piece.length / bytesPerMs;
    queue.push({ piece, at: busyUntil + oneWayMs });
    inFlight += piece.length;
    if (inFlight >= inFlightLimit) from.pause();
    if (!blocked) timer ??= setTimeout(deliver, Math.max(0, queue[0]!.at - now));
  });
  from.on('end', () => {
    ended = true;
    if (queue.length === 0 && !timer && !blocked) to.end();
  });
}

// No Nagle: a router forwards what it gets as it gets it, it does not hold small writes back.
const server = createServer({ noDelay: true }, (near) => {
  const far = connect({ host: '127.0.0.1', port: targetPort, noDelay: true });
  const close = (): void => {
    near.destroy();
    far.destroy();
  };
  near.on('error', close).on('close', close);
  far.on('error', close).on('close', close);
  carry(near, far);
  carry(far, near);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`ready ${typeof address === 'object' && address ? address.port : ''}`);
});
