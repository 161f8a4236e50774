/**
 * The kernel's view of loopback TCP connections, from `ss` (iproute2, installed by .ci/run): what a server
 * has put on the wire, what waits unsent, and whether the peer's closed receive window holds it back.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TcpSocket {
  localPort: number;
  peerPort: number;
  /** Bytes queued in the kernel for the application to read (Recv-Q). */
  recvQueue: number;
  /** Unique payload bytes sent on the wire (bytes_sent less retransmissions). */
  sent: number;
  /** Bytes the application wrote that wait in the kernel, not yet sent. */
  notSent: number;
  /** Zero-window probe backoff: above 0 while the peer's receive window is closed and data waits. */
  backoff: number;
  /** The receive buffer's size limit (skmem rb). */
  receiveBuffer: number;
}

const portOf = (address: string): number => Number(address.slice(address.lastIndexOf(':') + 1));
const field = (details: string, name: string): number =>
  Number(new RegExp(`\\b${name}:(\\d+)`).exec(details)?.[1] ?? 0);

/** Established TCP sockets whose local (`side: 'server'`) or remote (`'client'`) port is `port`. */
export async function tcpSockets(port: number, side: 'server' | 'client'): Promise<TcpSocket[]> {
  const filter = `( ${side === 'server' ? 'sport' : 'dport'} = :${port} )`;
  const { stdout } = await run('ss', ['-tinmH', 'state', 'established', filter]);
  // Each socket is a summary line (Recv-Q Send-Q local peer) and an indented line of details.
  const lines = stdout.split('\n').filter((line) => line.trim() !== '');
  const sockets: TcpSocket[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const [recvQ = '0', , local = '', peer = ''] = lines[i]!.trim().split(/\s+/);
    const details = lines[i + 1]!;
    sockets.push({
      localPort: portOf(local),
      peerPort: portOf(peer),
      recvQueue: Number(recvQ),
      sent: field(details, 'bytes_sent') - field(details, 'bytes_retrans'),
      notSent: field(details, 'notsent'),
      backoff: field(details, 'backoff'),
      receiveBuffer: Number(/\brb(\d+)/.exec(details)?.[1] ?? 0),
    });
  }
  return sockets;
}
