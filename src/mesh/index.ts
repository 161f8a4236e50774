/** The MESH API v2 client. */
export * from './client.ts';
export * from './chunk-source.ts';
export * from './errors.ts';
export * from './from-settings.ts';
export * from './metadata.ts';
export * from './recorder.ts';
export * from './retry.ts';
export { createAgent, createTransport } from './transport.ts';
export * from './proxy.ts';
