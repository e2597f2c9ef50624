import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { packageRoot } from '../../common/paths.js';

/**
 * A freshly initialised PGlite cluster, packed at build time (`npm run build`), from which a new
 * embedded database starts instead of running initdb. initdb in wasm took ~5 s of the ~15 s
 * target for the first `serve --embedded` on a new machine; unpacking the template takes ~1 s.
 * The file is named after the PGlite version that wrote it, so a different PGlite never reads
 * it (it runs initdb as before). Nothing of the user's lives in it: it is an empty cluster.
 */

let version: string | undefined;

/** The installed @electric-sql/pglite's version (its package.json is not among its exports). */
export function pgliteVersion(): string {
  if (version !== undefined) return version;
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const parsed = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string; version?: string };
      if (parsed.name === '@electric-sql/pglite' && typeof parsed.version === 'string') return (version = parsed.version);
    }
    const up = dirname(dir);
    if (up === dir) return (version = 'unknown');
    dir = up;
  }
}

export function pgliteTemplatePath(): string {
  return join(packageRoot(), 'dist', 'pglite-template', `pglite-${pgliteVersion()}.tar.gz`);
}

/** True when `dataDir` holds nothing yet (a new embedded database). */
export function isEmptyDir(dataDir: string): boolean {
  return !existsSync(dataDir) || readdirSync(dataDir).length === 0;
}

/** The template's contents, or undefined when none was built for this PGlite. */
export function readPgliteTemplate(): Blob | undefined {
  const path = pgliteTemplatePath();
  if (!existsSync(path)) return undefined;
  return new Blob([readFileSync(path)]);
}

/** Writes the template if this PGlite has none (the build's last step); returns its path. */
export async function buildPgliteTemplate(): Promise<string> {
  const path = pgliteTemplatePath();
  if (existsSync(path)) return path;
  const work = mkdtempSync(join(tmpdir(), 'sark-pglite-template-'));
  try {
    const db = await PGlite.create({ dataDir: join(work, 'data') });
    const blob = await db.dumpDataDir('gzip');
    await db.close();
    mkdirSync(dirname(path), { recursive: true });
    // Written under another name and renamed: a build stopped halfway leaves no partial template.
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await blob.arrayBuffer()));
    renameSync(partial, path);
    return path;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
