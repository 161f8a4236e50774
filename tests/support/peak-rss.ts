/** Peak resident memory of a process (VmHWM), in MiB, from /proc: Linux only, as the bench machines are. */
import { readFileSync } from 'node:fs';

export function peakRssMib(pid: number | 'self' = 'self'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}
