import type { RecordingProgress } from '../../../../core/api/types.js';
import { fmtInt, fmtMs, fmtPct, fmtRate } from '../../components/format.js';
import { Stat, StatRow } from '../../components/Stat.js';

export function LiveNumbers({ progress: p }: { progress: RecordingProgress | null }) {
  return (
    <div data-testid="live-numbers">
      <StatRow>
        <Stat label="Requests" value={<span data-testid="live-requests">{fmtInt(p?.requests)}</span>} />
        <Stat label="Throughput" value={<span data-testid="live-rps">{fmtRate(p?.rps)}</span>} />
        <Stat label="p95 latency" value={<span data-testid="live-p95">{fmtMs(p?.p95_ms)}</span>} note={p ? `p50 ${fmtMs(p.p50_ms)} · p99 ${fmtMs(p.p99_ms)}` : undefined} />
        <Stat label="Errors" value={fmtInt(p?.errors)} tone={p && p.errors > 0 ? 'fail' : undefined} />
        <Stat label="Cache hit rate" value={fmtPct(p?.hit_rate)} />
        <Stat label="Pool checked out" value={p?.pool_checked_out === null || p?.pool_checked_out === undefined ? '—' : `${fmtInt(p.pool_checked_out)} / ${fmtInt(p.pool_size)}`} />
      </StatRow>
    </div>
  );
}
