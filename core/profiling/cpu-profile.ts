import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';
import { UsageError, WorkbenchError } from '../common/errors.js';

/**
 * A V8 CPU profile of this process (the seed used cProfile; `.cpuprofile` opens in Chrome
 * DevTools and speedscope). Taken through `node:inspector` in-process: no flags, no restart.
 */

export type CpuProfile = Profiler.Profile;

/** Longest capture accepted: a profile is ~1 MB per minute of busy process. */
const MAX_CAPTURE_MS = 10 * 60_000;
/** V8's default sampling interval is 1,000 µs; 100 µs resolves sub-millisecond functions. */
const DEFAULT_SAMPLING_INTERVAL_US = 100;

let capturing = false;

export interface CpuProfileOptions {
  samplingIntervalUs?: number;
}

export async function captureCpuProfile(durationMs: number, options: CpuProfileOptions = {}): Promise<CpuProfile> {
  if (typeof durationMs !== 'number' || !Number.isFinite(durationMs) || durationMs <= 0 || durationMs > MAX_CAPTURE_MS) {
    throw new UsageError(`captureCpuProfile: duration must be between 0 and ${MAX_CAPTURE_MS} ms (got ${String(durationMs)})`);
  }
  const intervalUs = options.samplingIntervalUs ?? DEFAULT_SAMPLING_INTERVAL_US;
  if (!Number.isInteger(intervalUs) || intervalUs < 1) {
    throw new UsageError(`captureCpuProfile: samplingIntervalUs must be a positive integer (got ${String(intervalUs)})`);
  }
  if (capturing) throw new WorkbenchError('a CPU profile is already being captured in this process');
  capturing = true;
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await session.post('Profiler.start');
    await new Promise<void>((resolve) => setTimeout(resolve, durationMs));
    const { profile } = await session.post('Profiler.stop');
    await session.post('Profiler.disable');
    return profile;
  } finally {
    session.disconnect();
    capturing = false;
  }
}
