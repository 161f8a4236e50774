/** Runs openssl to check mesh-assure's output from the outside (tests only: the product never needs it). */
import { execFileSync } from 'node:child_process';

export function openssl(args: string[], input?: string): { ok: boolean; output: string } {
  try {
    const output = execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    return { ok: true, output };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${stdout}${stderr}` };
  }
}
