import type { TimelinePoint } from '../../../../core/api/types.js';
import { TimelineChart } from '../../charts/TimelineChart.js';

/** The five live charts of a recording (also used by replay at time t). */
export function LiveCharts({ points, totalS, poolSize, poolMax, exhaustion }: { points: readonly TimelinePoint[]; totalS: number | null; poolSize: number | null; poolMax?: number | null; exhaustion?: Array<[number, number]> }) {
  const xMax = totalS && totalS > 0 ? totalS : undefined;
  return (
    <div className="chart-grid" data-testid="live-charts">
      <TimelineChart metric="rps" points={points} title="Throughput" xMaxS={xMax} testId="chart-rps" />
      <TimelineChart metric="latency" points={points} title="Latency p50 / p95 / p99" xMaxS={xMax} testId="chart-latency" />
      <TimelineChart metric="errors" points={points} title="Errors" xMaxS={xMax} testId="chart-errors" />
      <TimelineChart metric="pool" points={points} title="Pool: checked out vs size" xMaxS={xMax} poolSize={poolSize} poolMax={poolMax} exhaustion={exhaustion} testId="chart-pool" />
      <TimelineChart metric="hit_rate" points={points} title="Cache hit rate" xMaxS={xMax} testId="chart-hit-rate" />
    </div>
  );
}
