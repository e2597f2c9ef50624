import { defineConfig } from 'vitest/config';

// Three layers, run together by `npm test`:
// - unit: pure logic, no services;
// - integration: the real Postgres (127.0.0.1:5432) and Redis (127.0.0.1:6379), and child processes;
// - e2e: Debian's Chromium driven by playwright-core against the web mode.
// - quiet: the few files whose assertions are about timing itself (two recordings of the same
//   profile must compare as unchanged): they run after everything else, one at a time, so that
//   no other test file's load lands in one recording and not in the other.
// Files within a layer run in parallel forks; the machine has 2 cores, so we keep it to 2.
const QUIET = ['test/integration/session/embedded-default.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: QUIET,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'quiet',
          include: QUIET,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
