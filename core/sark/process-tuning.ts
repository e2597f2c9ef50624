import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings for a process that exists to run the embedded server (the forked child, and
 * `serve --embedded` in the foreground): never called when the server is embedded in another
 * process (tests, a user's program), whose runtime is not ours to tune.
 *
 * Allocation-site pretenuring off. V8 watches which allocation sites' objects survive a
 * scavenge; a site whose objects all survive one (100 of 100) is switched to allocate straight
 * into the old generation, for the rest of the process's life. The server's startup bursts fit
 * that pattern (pre-warming 300 decisions at a time, the first audit batches waiting on a cold
 * pool), while under load the same sites' objects live a millisecond. Tenured, every request's
 * decision, probe and audit row is old-space garbage, and with them the reply strings they point
 * to: a mark-compact every 3-5 s, each throwing away optimized code that V8 then recompiles.
 * Whether a process fell into it depended on timing, which is why one server process could carry
 * a cost of its own for its whole life (profiled ones more often: they warm up more slowly).
 * Measured with sark-ab --gc (2026-11-27): with it on, 3-7 mark-compacts per 30 s once a server
 * had fallen into it; with it off, none over a server's first ~40 s and 2-6 per minute later
 * (as live data grows).
 */
export function tuneServerProcess(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}
