#!/usr/bin/env node
// `npm test`: runs the whole suite with vitest. Node 20's V8 very occasionally aborts a test
// worker with "Fatal error ... unreachable code" in its deoptimizer (nodejs/node#51555,
// #57556: intermittent, not tied to one test). Such a crash is not a test failure, so the files
// whose worker died are run once more; a real failing assertion is never retried.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const outDir = join(process.cwd(), 'test-output');
mkdirSync(outDir, { recursive: true });
const jsonFile = join(outDir, 'vitest-results.json');

function vitest(extra) {
  return spawnSync(
    process.execPath,
    ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/vitest.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`, ...extra],
    { stdio: 'inherit' },
  );
}

const first = vitest(args);
if (first.status === 0) process.exit(0);
if (!existsSync(jsonFile)) process.exit(first.status ?? 1);
const results = JSON.parse(readFileSync(jsonFile, 'utf8'));
const failedAssertions = results.numFailedTests ?? 0;
// A file whose worker crashed reports its unfinished tests as pending (or none at all).
const crashed = (results.testResults ?? [])
  .filter((f) => (f.assertionResults ?? []).length === 0 || f.assertionResults.some((a) => a.status === 'pending'))
  .map((f) => f.name);
if (failedAssertions > 0 || crashed.length === 0) process.exit(first.status ?? 1);
process.stderr.write(`\n[test] ${crashed.length} test file(s) lost their worker to a V8 crash; running them again:\n${crashed.map((f) => `  ${f}`).join('\n')}\n`);
const second = vitest(crashed);
process.exit(second.status ?? 1);
