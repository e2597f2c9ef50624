import { useMemo } from 'react';
import type { TimelinePoint } from '../../../core/api/types.js';
import { useTheme } from '../app/theme.js';
import { Chart } from './Chart.js';
import { PALETTES } from './themes.js';
import { timelineOption, type TimelineMetric } from './timeline-options.js';

export interface TimelineChartProps {
  metric: TimelineMetric;
  points: readonly TimelinePoint[];
  title: string;
  xMaxS?: number;
  poolSize?: number | null;
  poolMax?: number | null;
  exhaustion?: Array<[number, number]>;
  heightPx?: number;
  testId?: string;
  onRendered?: () => void;
}

export function TimelineChart(p: TimelineChartProps) {
  const { theme } = useTheme();
  const { metric, points, xMaxS, poolSize, poolMax, exhaustion } = p;
  const option = useMemo(
    () => timelineOption(metric, points, { palette: PALETTES[theme], xMaxS, poolSize, poolMax, exhaustion }),
    [metric, points, theme, xMaxS, poolSize, poolMax, exhaustion],
  );
  return (
    <figure className="chart-card">
      <figcaption className="chart-title">{p.title}</figcaption>
      {points.length === 0 ? (
        <div className="chart-empty" style={{ height: p.heightPx ?? 220 }}>
          No data yet
        </div>
      ) : (
        <Chart option={option} heightPx={p.heightPx} label={`${p.title} chart`} testId={p.testId} onRendered={p.onRendered} />
      )}
    </figure>
  );
}
