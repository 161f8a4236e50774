export * from './settings.ts';
export * from './targets.ts';
export * from './load.ts';
export * from './tool-version.ts';
