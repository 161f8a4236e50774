/** Fault injection for client tests: the next `times` requests matching a method and path regex fail. */
import { MESH_ERRORS } from '../protocol/index.ts';

interface ActiveFault {
  method: string | undefined;
  path: RegExp;
  status: number;
  remaining: number;
  delayMs: number;
}

export const injectedFault = { ...MESH_ERRORS.forbidden, description: 'Injected fault (sandbox admin API)' };

export class Faults {
  #faults: ActiveFault[] = [];

  /** Validates and adds a fault; throws an Error saying what is wrong with the spec. */
  add(spec: unknown): void {
    const s = (typeof spec === 'object' && spec !== null ? spec : {}) as Record<string, unknown>;
    const problems: string[] = [];
    if (typeof s.path !== 'string' || s.path === '') problems.push('"path" must be a regular expression string');
    if (!Number.isInteger(s.status) || (s.status as number) < 100 || (s.status as number) > 599)
      problems.push('"status" must be an HTTP status 100..599');
    if (!Number.isInteger(s.times) || (s.times as number) < 1) problems.push('"times" must be a positive integer');
    if (s.method !== undefined && typeof s.method !== 'string') problems.push('"method" must be a string');
    if (
      s.delayMs !== undefined &&
      (!Number.isInteger(s.delayMs) || (s.delayMs as number) < 0 || (s.delayMs as number) > 600_000)
    )
      problems.push('"delayMs" must be 0..600000');
    let path: RegExp | undefined;
    if (problems.length === 0) {
      try {
        path = new RegExp(s.path as string);
      } catch (error) {
        problems.push(`"path" is not a valid regular expression: ${(error as Error).message}`);
      }
    }
    if (problems.length > 0 || !path) throw new Error(problems.join('; '));
    this.#faults.push({
      method: (s.method as string | undefined)?.toUpperCase(),
      path,
      status: s.status as number,
      remaining: s.times as number,
      delayMs: (s.delayMs as number | undefined) ?? 0,
    });
  }

  /** The fault this request triggers, if any (using up one of its times). */
  take(method: string, path: string): { status: number; delayMs: number } | undefined {
    const fault = this.#faults.find((f) => (f.method === undefined || f.method === method) && f.path.test(path));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.#faults = this.#faults.filter((f) => f !== fault);
    return { status: fault.status, delayMs: fault.delayMs };
  }

  clear(): void {
    this.#faults = [];
  }
}
