/** `mesh-assure observe`: the supplier's product against the sandbox, judged from the journal. */
export * from './options.ts';
export { observe, productSettings } from './run.ts';
export type { ObserveCase, ObserveResult } from './result.ts';
export type { ProductIdentity } from './bundle.ts';
