/** The one line shown to the user for a failed call: the backend's message, never a stack. */
export function errorText(err: unknown): string {
  const raw = err instanceof Error ? err.message : typeof err === 'string' ? err : 'unexpected error';
  const line = raw.split('\n')[0] ?? raw;
  return line.length > 400 ? `${line.slice(0, 397)}...` : line;
}
