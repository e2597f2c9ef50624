/**
 * Errors a user can act on. The CLI prints `error: <message>` on one line and exits with
 * `exitCode` (2: bad usage or input, 1: runtime failure), per ARCHITECTURE.md; the API replies
 * with the message. Anything else is a bug and gets a stack trace only with --verbose.
 */
export class WorkbenchError extends Error {
  readonly exitCode: 1 | 2;
  constructor(message: string, exitCode: 1 | 2 = 1, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkbenchError';
    this.exitCode = exitCode;
  }
}

/** Bad usage or input: exit 2. */
export class UsageError extends WorkbenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 2, options);
    this.name = 'UsageError';
  }
}

/** A one-line message for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.message;
  return String(err);
}
