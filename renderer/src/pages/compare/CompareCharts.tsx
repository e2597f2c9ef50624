import { useMemo } from 'react';
import type { Comparison, SessionReport } from '../../../../core/api/types.js';
import { useTheme } from '../../app/theme.js';
import { Chart } from '../../charts/Chart.js';
import { distributionOverlayOption } from '../../charts/histogram-options.js';
import { PALETTES } from '../../charts/themes.js';
import { overlayOption } from '../../charts/timeline-options.js';

type Kind = Comparison['latency_by_kind'][number];

/** Overlaying more kinds than this turns the page into a wall of charts; the table has them all. */
const MAX_KIND_CHARTS = 4;

function Figure({ title, option, testId }: { title: string; option: ReturnType<typeof overlayOption>; testId?: string }) {
  return (
    <figure className="chart-card">
      <figcaption className="chart-title">{title}</figcaption>
      <Chart option={option} heightPx={220} label={`${title} chart`} testId={testId} />
    </figure>
  );
}

export function DistributionCharts({ kinds, names }: { kinds: Kind[]; names: [string, string] }) {
  const { theme } = useTheme();
  const shown = useMemo(() => kinds.filter((k) => k.baseline_distribution.length > 0 || k.candidate_distribution.length > 0).sort((a, b) => b.baseline_requests + b.candidate_requests - (a.baseline_requests + a.candidate_requests)).slice(0, MAX_KIND_CHARTS), [kinds]);
  const options = useMemo(() => shown.map((k) => distributionOverlayOption(k.baseline_distribution, k.candidate_distribution, PALETTES[theme], names)), [shown, theme, names]);
  if (shown.length === 0) return <p className="muted">No latency distributions in these reports.</p>;
  return (
    <div className="chart-grid chart-grid-2">
      {shown.map((k, i) => {
        const option = options[i];
        return option ? <Figure key={k.kind} title={`Latency distribution: ${k.kind}`} option={option} testId={`dist-${k.kind}`} /> : null;
      })}
    </div>
  );
}

export function TimelineOverlays({ a, b, names }: { a: SessionReport; b: SessionReport; names: [string, string] }) {
  const { theme } = useTheme();
  const palette = PALETTES[theme];
  const rps = useMemo(() => overlayOption('rps', a.timeline, b.timeline, names, palette), [a, b, names, palette]);
  const p95 = useMemo(() => overlayOption('p95', a.timeline, b.timeline, names, palette), [a, b, names, palette]);
  const hit = useMemo(() => overlayOption('hit_rate', a.timeline, b.timeline, names, palette), [a, b, names, palette]);
  return (
    <div className="chart-grid">
      <Figure title="Throughput over time" option={rps} testId="overlay-rps" />
      <Figure title="p95 latency over time" option={p95} testId="overlay-p95" />
      <Figure title="Cache hit rate over time" option={hit} />
    </div>
  );
}
