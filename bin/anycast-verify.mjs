#!/usr/bin/env node
// Entry point for `npx anycast-verify`: the TypeScript CLI, from its esbuild bundle when it can
// be kept current, else through tsx's loader (cli-bundle.mjs says why).
import { loadCli } from './cli-bundle.mjs';

const { main } = await loadCli();
await main(process.argv);
