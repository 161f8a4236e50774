/** What client and server must agree on. Imports nothing else of ours. */
export * from './answer-facts.ts';
export * from './auth-token.ts';
export * from './chunk-range.ts';
export * from './errors.ts';
export * from './headers.ts';
export * from './iso-time.ts';
export * from './mailbox-id.ts';
export * from './media-types.ts';
export * from './message-id.ts';
export * from './schemas.ts';
