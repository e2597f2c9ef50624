import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError, WorkbenchError } from '../../../core/common/errors.js';
import { backendArgs, dbPathFromArgv, launchPlan, parseBackendLine } from '../../../main/backend-launch.js';

const APP = '/home/dev/sark-workbench';

describe('backend launch plan', () => {
  it('development: the system node runs the CLI entry with `ui --port 0`', () => {
    expect(launchPlan({ isPackaged: false, appPath: APP, env: {} })).toEqual({
      kind: 'node',
      command: 'node',
      args: [join(APP, 'core', 'cli', 'bin.js'), 'ui', '--port', '0'],
    });
  });

  it('development: SARK_WORKBENCH_NODE picks another node', () => {
    const plan = launchPlan({ isPackaged: false, appPath: APP, env: { SARK_WORKBENCH_NODE: '/opt/node20/bin/node' } });
    expect(plan).toMatchObject({ kind: 'node', command: '/opt/node20/bin/node' });
    expect(launchPlan({ isPackaged: false, appPath: APP, env: { SARK_WORKBENCH_NODE: '  ' } })).toMatchObject({ command: 'node' });
  });

  it('packaged: a utility process forks the same entry inside the app, same arguments', () => {
    const asar = '/opt/SARK Workbench/resources/app.asar';
    expect(launchPlan({ isPackaged: true, appPath: asar, env: { SARK_WORKBENCH_NODE: 'node' }, dbPath: '/data/s.sqlite' })).toEqual({
      kind: 'utility',
      modulePath: join(asar, 'core', 'cli', 'bin.js'),
      args: ['ui', '--port', '0', '--db', '/data/s.sqlite'],
    });
  });

  it('passes --db through and needs no --allow-origin (the page is served by the backend itself)', () => {
    expect(backendArgs({ dbPath: '/tmp/my store.sqlite' })).toEqual(['ui', '--port', '0', '--db', '/tmp/my store.sqlite']);
    expect(backendArgs({})).not.toContain('--allow-origin');
  });

  it("reads --db from the app's own command line", () => {
    expect(dbPathFromArgv(['/usr/bin/electron', '.', '--db', '/tmp/a.sqlite'])).toBe('/tmp/a.sqlite');
    expect(dbPathFromArgv(['sark-workbench', '--db=/tmp/b.sqlite'])).toBe('/tmp/b.sqlite');
    expect(dbPathFromArgv(['sark-workbench', '--no-sandbox'])).toBeUndefined();
    expect(() => dbPathFromArgv(['electron', '.', '--db'])).toThrow(UsageError);
    expect(() => dbPathFromArgv(['electron', '.', '--db', '--verbose'])).toThrow(UsageError);
    expect(() => dbPathFromArgv(['electron', '.', '--db='])).toThrow('--db needs a path');
  });
});

describe("the backend's first line", () => {
  const token = 'a3f1'.repeat(16); // 32 random bytes in hex, as core/api/server.ts makes them

  it('gives the origin, port, token and a page URL without the token', () => {
    expect(parseBackendLine(`http://127.0.0.1:43117/?token=${token}\n`)).toEqual({
      origin: 'http://127.0.0.1:43117',
      port: 43117,
      token,
      pageUrl: 'http://127.0.0.1:43117/',
    });
  });

  const bad: Array<[string, string]> = [
    ['a log line', 'listening on http://127.0.0.1:43117'],
    ['another host', `http://evil.example:43117/?token=${token}`],
    ['localhost (the backend prints the IP)', `http://localhost:43117/?token=${token}`],
    ['https', `https://127.0.0.1:43117/?token=${token}`],
    ['no port', `http://127.0.0.1/?token=${token}`],
    ['no token', 'http://127.0.0.1:43117/'],
    ['an empty token', 'http://127.0.0.1:43117/?token='],
    ['a short token', 'http://127.0.0.1:43117/?token=abc'],
    ['a token with odd characters', `http://127.0.0.1:43117/?token=${token}%27`],
    ['extra parameters', `http://127.0.0.1:43117/?token=${token}&next=https://evil.example`],
    ['a path', `http://127.0.0.1:43117/elsewhere?token=${token}`],
    ['credentials', `http://u:p@127.0.0.1:43117/?token=${token}`],
    ['an empty line', ''],
  ];
  it.each(bad)('refuses %s with a one-line error', (_why, line) => {
    expect(() => parseBackendLine(line)).toThrow(WorkbenchError);
    try {
      parseBackendLine(line);
    } catch (err) {
      expect((err as Error).message).toMatch(/^the backend printed an unexpected first line/);
      expect((err as Error).message).not.toContain('\n');
    }
  });
});
