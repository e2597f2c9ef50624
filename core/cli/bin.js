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
const code = await main(process.argv);
process.exitCode = code;
if (code !== 0) {
  // A failed command can leave a client's timer behind (ioredis keeps a 2 s disconnect timer
  // after a refused connection), which would hold the prompt back well after the error line.
  // Exit as soon as what was written to stdout and stderr is flushed instead.
  let pending = 2;
  const flushed = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}
