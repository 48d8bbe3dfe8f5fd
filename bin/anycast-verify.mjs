#!/usr/bin/env node
// Entry point for `npx anycast-verify`: runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../helpers/cli/main.ts');
await main(process.argv);
