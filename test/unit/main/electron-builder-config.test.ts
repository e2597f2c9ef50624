import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/**
 * The packaging config, checked by electron-builder's own validator (the one `npm run dist`
 * runs first) and for the choices the app depends on at run time. Building an installer needs
 * Electron's binary, which cannot be downloaded here.
 */
const require = createRequire(import.meta.url);
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string, configFromOptions: null): Promise<Record<string, unknown>>;
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

const root = new URL('../../../', import.meta.url).pathname;
const raw = JSON.parse(readFileSync(new URL('resources/electron-builder.json', `file://${root}`), 'utf8')) as {
  productName: string;
  files: string[];
  asarUnpack: string[];
  npmRebuild: boolean;
  electronFuses: Record<string, boolean>;
  linux: { target: string[]; icon: string };
  mac: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
};
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { main: string; bin: Record<string, string> };

/** electron-builder's file patterns, enough of them: `dir/**` globs, `!` excludes, exact paths. */
function packaged(path: string): boolean {
  let included = false;
  for (const pattern of raw.files) {
    const negate = pattern.startsWith('!');
    const glob = negate ? pattern.slice(1) : pattern;
    const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\/\*/g, '.*').replace(/\*\*/g, '.*').replace(/(?<!\.)\*/g, '[^/]*')}$`);
    if (re.test(path)) included = !negate;
  }
  return included;
}

describe('electron-builder config', () => {
  it("passes electron-builder's own validation", async () => {
    const config = await getConfig(root, 'resources/electron-builder.json', null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, sandboxed: false }, new DebugLogger(false))).rejects.toThrow(/configuration object that does not match/);
  });

  it('packages the main process, the preload, the CLI entry the backend is forked from, and the built UI', () => {
    expect(raw.productName).toBe('SARK Workbench');
    for (const path of [pkg.main, 'dist/main/preload.cjs', pkg.bin['sark-workbench'], 'dist/core/cli/main.js', 'dist/renderer/index.html', 'package.json', 'resources/report.schema.json', 'resources/icons/icon.png']) {
      expect(packaged(path ?? ''), path).toBe(true);
    }
    expect(packaged('dist/main/main.js.map')).toBe(false);
    expect(packaged('test/unit/main/menu.test.ts')).toBe(false);
    expect(packaged('main/main.ts')).toBe(false);
  });

  it('unpacks better-sqlite3 from the asar and rebuilds it for Electron', () => {
    expect(raw.asarUnpack).toContain('**/node_modules/better-sqlite3/**');
    expect(raw.npmRebuild).toBe(true);
  });

  it('builds AppImage and deb, dmg, nsis, with the icon', () => {
    expect(raw.linux.target).toEqual(['AppImage', 'deb']);
    expect(raw.mac.target).toEqual(['dmg']);
    expect(raw.win.target).toEqual(['nsis']);
    for (const os of [raw.linux, raw.mac, raw.win]) expect(os.icon).toBe('resources/icons/icon.png');
  });

  it('turns off the Electron fuses the app does not use (the backend is a utility process, not ELECTRON_RUN_AS_NODE)', () => {
    expect(raw.electronFuses).toMatchObject({ runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false, onlyLoadAppFromAsar: true });
  });
});
