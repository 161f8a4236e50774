/** `mesh-assure observe`: the supplier's product against the sandbox, judged from the journal. */
export * from './options.ts';
export { observe } from './run.ts';
export type { ObserveResult } from './result.ts';
