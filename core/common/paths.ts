import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/**
 * The package's root folder (where package.json and resources/ live), found by walking up
 * from this file. Works from the TypeScript sources (core/common) and from dist/core/common.
 */
export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const name = (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name;
        if (name === 'sark-workbench') return (cachedRoot = dir);
      } catch {
        // not ours; keep walking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the sark-workbench package root');
    dir = parent;
  }
}

/** A file under resources/. */
export function resourcePath(...parts: string[]): string {
  return join(packageRoot(), 'resources', ...parts);
}

/**
 * Per-user data folder: $SARK_WORKBENCH_HOME, else the platform's convention
 * (XDG on Linux, Application Support on macOS, %APPDATA% on Windows).
 */
export function userDataDir(): string {
  const override = process.env.SARK_WORKBENCH_HOME;
  if (override) return override;
  const home = homedir();
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'sark-workbench');
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'sark-workbench');
  return join(process.env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'sark-workbench');
}

/** The session store used when no --db is given: $SARK_WORKBENCH_DB, else <userDataDir>/workbench.sqlite. */
export function defaultDbPath(): string {
  return process.env.SARK_WORKBENCH_DB ?? join(userDataDir(), 'workbench.sqlite');
}

/**
 * Node arguments that run a module as a child process: compiled .js runs as is; a .ts source
 * (tests and development run from source) is run through tsx.
 */
export function nodeArgsFor(moduleUrl: string | URL): string[] {
  const file = fileURLToPath(moduleUrl);
  return file.endsWith('.ts') ? ['--import', 'tsx', file] : [file];
}
