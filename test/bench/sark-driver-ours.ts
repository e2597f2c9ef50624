import { startLoadWorker } from '../../core/load/index.js';
import type { SarkReadyMessage } from '../../core/sark/index.js';
import { sarkRequests } from '../../core/session/index.js';

/**
 * The project's own load generator as the sark-throughput driver (issue 3: "then with both"):
 * closed model, one virtual user per connection (or, with `rate`, the open model), the seed's
 * mix drawn from the server's data set exactly as a recorded session draws it, in a worker
 * thread, no trace.
 */
export async function driveWithOurs(
  ready: SarkReadyMessage,
  connections: number,
  durationS: number,
  /** Open model at this many requests/s, evenly spaced (latency from each intended start). */
  rate?: number,
): Promise<{ rps: number; requests: number; errors: number; p50_ms: number; p95_ms: number; p99_ms: number }> {
  const run = startLoadWorker({
    target: ready.url,
    users: connections,
    connections,
    durationS,
    trace: false,
    seed: 42,
    ...(rate === undefined ? {} : { rate }),
    requests: sarkRequests(ready.dataset),
  });
  const t = await run.done;
  return {
    rps: t.throughput_rps,
    requests: t.requests,
    errors: t.error_count,
    p50_ms: t.latency_ms.p50,
    p95_ms: t.latency_ms.p95,
    p99_ms: t.latency_ms.p99,
  };
}
