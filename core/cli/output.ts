import { writeFileSync } from 'node:fs';
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

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
