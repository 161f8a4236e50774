/** `mesh-assure doctor`: onboarding checks of configuration, client certificate, CA chain, connectivity and clock. */
export * from './result.ts';
export * from './configuration.ts';
export * from './product-commands.ts';
export * from './certificate.ts';
export * from './server.ts';
export * from './server-kind.ts';
export * from './workflow.ts';
export * from './run.ts';
export * from './format.ts';
