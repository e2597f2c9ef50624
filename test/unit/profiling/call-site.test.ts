import { describe, expect, it } from 'vitest';
import { callSiteFromStack } from '../../../core/profiling/index.js';

const base = '/srv/app';
const lib = '/srv/app/node_modules/sark-workbench/dist/core/profiling';

describe('call-site extraction', () => {
  it('skips node internals, node_modules and the profiling library, and shows paths relative to the base', () => {
    const stack = [
      'Error: call site',
      `    at captureStack (${lib}/call-site.js:20:18)`,
      `    at QueryProfiler.begin (${lib}/query-profiler.js:150:13)`,
      '    at Client.query (/srv/app/node_modules/pg/lib/client.js:600:20)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      '    at async Promise.all (index 0)',
      '    at async TeamService.memberships (/srv/app/src/teams.ts:42:7)',
      '    at async handler (/srv/app/src/server.ts:10:3)',
    ].join('\n');
    expect(callSiteFromStack(stack, { baseDir: base, ignoreDirs: [lib] })).toBe('src/teams.ts:42');
  });

  it('understands file:// URLs and frames without a function name', () => {
    const stack = ['Error', `    at file://${lib}/x.js:1:1`, '    at file:///srv/app/src/loop.mjs:7:9'].join('\n');
    expect(callSiteFromStack(stack, { baseDir: base, ignoreDirs: [lib] })).toBe('src/loop.mjs:7');
  });

  it('keeps absolute paths outside the base folder', () => {
    const stack = ['Error', '    at run (/opt/service/index.js:3:1)'].join('\n');
    expect(callSiteFromStack(stack, { baseDir: base })).toBe('/opt/service/index.js:3');
  });

  it('returns null when no frame is the user code', () => {
    const stack = ['Error', '    at Client.query (/srv/app/node_modules/pg/lib/client.js:1:1)', '    at <anonymous>'].join('\n');
    expect(callSiteFromStack(stack, { baseDir: base })).toBeNull();
    expect(callSiteFromStack(undefined)).toBeNull();
  });

  it('finds this test file from a real stack', () => {
    const site = callSiteFromStack(new Error().stack); // HERE
    expect(site).toMatch(/^test\/unit\/profiling\/call-site\.test\.ts:\d+$/);
  });
});
