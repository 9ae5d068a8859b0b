#!/usr/bin/env node
// Entry point: registers the TypeScript loader so the sources run as they are, then hands over to the CLI.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../source/cli/main.ts');
await main(process.argv.slice(2));
