#!/usr/bin/env node
// Entry of the `sark-workbench` command. The TypeScript sources are compiled to dist/ by
// `npm run build`, which `prepare` runs on every `npm install` / `npm ci`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = fileURLToPath(new URL('../../dist/core/cli/main.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('error: sark-workbench is not built; run `npm run build` in its folder\n');
  process.exit(1);
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv);
