import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../common/errors.js';

/** Writes a file the user asked for; a bad path is their input, so exit 2 with the reason. */
export function writeOutputFile(path: string, content: string): void {
  try {
    writeFileSync(path, content);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new UsageError(`cannot write ${path}: ${code}`);
  }
}

/**
 * Checks up front that a file asked for at the end of a long command (`profile --json`) can be
 * written, so a typo in its folder fails in a second instead of after the whole recording.
 */
export function checkOutputPath(option: string, path: string): void {
  const dir = dirname(resolve(path));
  try {
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new UsageError(`${option}: cannot write ${path}: ${code === 'ENOENT' ? `folder ${dir} does not exist` : code}`);
  }
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`${option}: ${path} is a folder`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    // does not exist yet: fine
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
