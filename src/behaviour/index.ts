/** The behaviours NHS assessors check in MESH server logs, as rules over normalised requests. */
export * from './product-rules.ts';
export * from './requests.ts';
export * from './rules.ts';
export * from './verdicts.ts';
