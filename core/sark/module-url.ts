import { nodeArgsFor } from '../common/paths.js';

/**
 * URL of a sibling module to run as a child process: `./name.ts` when running from the
 * TypeScript sources (tests, tsx), `./name.js` from dist. `base` is the caller's import.meta.url.
 */
export function siblingModuleUrl(base: string, name: string): URL {
  const ext = base.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${ext}`, base);
}

/**
 * `fork(modulePath, args, { execArgv })` arguments for a module URL (tsx for .ts sources). From
 * dist, source maps are enabled so the call sites the profiler reports (an N+1's loop, a
 * long-held connection) name the TypeScript line a reader can open, not the compiled one; stacks
 * are only formatted on those rare captures, so the cost stays off the hot path.
 */
export function forkArgsFor(moduleUrl: URL): { modulePath: string; execArgv: string[] } {
  const args = nodeArgsFor(moduleUrl);
  const modulePath = args[args.length - 1] as string;
  const execArgv = args.slice(0, -1);
  if (modulePath.endsWith('.js')) execArgv.push('--enable-source-maps');
  return { modulePath, execArgv };
}
