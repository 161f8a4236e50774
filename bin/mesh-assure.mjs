#!/usr/bin/env node
// Runs the TypeScript CLI directly: tsx's loader compiles on the fly, so there is no build step to forget.
import { setFlagsFromString } from 'node:v8';
import { register } from 'tsx/esm/api';

// This process moves gigabytes (downloads, sends, the sandbox), so it, not the modules it loads, chooses
// two V8 settings. Measured on a 200 MB gzip download (bench:client): peak RSS 141 MB with neither, 108 MB
// with both. --expose-gc lets src/runtime/streamed-memory.ts collect dead 64 KiB stream buffers every
// 4 MB; --liftoff-only keeps undici's WebAssembly HTTP parser on V8's baseline compiler instead of a
// background optimising recompile (about 35 MB for a moment, and parsing MESH's few headers is cheap).
setFlagsFromString('--expose-gc');
setFlagsFromString('--liftoff-only');
register();
await import('../src/cli/main.ts');
