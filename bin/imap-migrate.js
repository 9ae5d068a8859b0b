#!/usr/bin/env -S node --max-semi-space-size=1
// (A small young generation, set on the command line because V8 sizes it before any code runs:
// why, and every other V8 flag the program sets, in source/cli/runtimeTuning.ts. `npm start`
// passes the same flag.)
// Entry point: runs the compiled bundle (dist/, rebuilt here when a source, package.json, a
// lockfile or a patch is newer: see scripts/build.mjs), or the TypeScript sources through tsx
// when esbuild cannot build.
import { pathToFileURL } from 'node:url';

const { buildDist, freshBuild } = await import('../scripts/build.mjs');
let entry = freshBuild();
if (!entry) {
  try {
    entry = await buildDist();
  } catch {
    entry = undefined;
  }
}
let main;
if (entry) {
  ({ main } = await import(pathToFileURL(entry).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../source/cli/main.ts'));
}
await main(process.argv.slice(2));
