import { useMemo } from 'react';
import type { SessionReport } from '../../../../core/api/types.js';
import { useTheme } from '../../app/theme.js';
import { Chart } from '../../charts/Chart.js';
import { bucketOption } from '../../charts/histogram-options.js';
import { PALETTES } from '../../charts/themes.js';
import { TimelineChart } from '../../charts/TimelineChart.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { EmptyState } from '../../components/EmptyState.js';
import { fmtInt, fmtMs, fmtPct } from '../../components/format.js';
import { Section } from '../../components/Section.js';
import { Stat, StatRow } from '../../components/Stat.js';

type Cache = NonNullable<SessionReport['cache']>;
type Pattern = Cache['by_pattern'][number];
type Sens = Cache['by_sensitivity'][number];
type Inval = Cache['invalidations'][number];

const PATTERN_COLUMNS: Array<Column<Pattern>> = [
  { key: 'pattern', header: 'Key pattern', render: (p) => <code className="mono">{p.pattern}</code>, title: (p) => p.pattern, sortValue: (p) => p.pattern },
  { key: 'ops', header: 'Ops', render: (p) => fmtInt(p.operations), sortValue: (p) => p.operations, align: 'right', width: '82px' },
  { key: 'hits', header: 'Hits', render: (p) => fmtInt(p.hits), sortValue: (p) => p.hits, align: 'right', width: '82px' },
  { key: 'misses', header: 'Misses', render: (p) => fmtInt(p.misses), sortValue: (p) => p.misses, align: 'right', width: '82px' },
  { key: 'rate', header: 'Hit rate', render: (p) => fmtPct(p.hit_rate), sortValue: (p) => p.hit_rate, align: 'right', width: '72px' },
  { key: 'lat', header: 'Avg', render: (p) => fmtMs(p.avg_latency_ms), sortValue: (p) => p.avg_latency_ms, align: 'right', width: '84px' },
];

const SENS_COLUMNS: Array<Column<Sens>> = [
  { key: 's', header: 'Sensitivity', render: (s) => s.sensitivity, sortValue: (s) => s.sensitivity },
  { key: 'ttl', header: 'TTL', render: (s) => (s.ttl_s === null ? '—' : `${fmtInt(s.ttl_s)} s`), sortValue: (s) => s.ttl_s, align: 'right' },
  { key: 'ops', header: 'Ops', render: (s) => fmtInt(s.operations), sortValue: (s) => s.operations, align: 'right' },
  { key: 'rate', header: 'Hit rate', render: (s) => fmtPct(s.hit_rate), sortValue: (s) => s.hit_rate, align: 'right' },
  { key: 'lat', header: 'Avg latency', render: (s) => fmtMs(s.avg_latency_ms), sortValue: (s) => s.avg_latency_ms, align: 'right' },
];

const INVAL_COLUMNS: Array<Column<Inval>> = [
  { key: 'trigger', header: 'Trigger', render: (i) => i.trigger, sortValue: (i) => i.trigger },
  { key: 'count', header: 'Count', render: (i) => fmtInt(i.count), sortValue: (i) => i.count, align: 'right' },
  { key: 'keys', header: 'Keys removed', render: (i) => fmtInt(i.keys_removed), sortValue: (i) => i.keys_removed, align: 'right' },
];

function Histogram({ cache, which }: { cache: Cache; which: 'hit' | 'miss' }) {
  const { theme } = useTheme();
  const buckets = which === 'hit' ? cache.hit_latency_histogram : cache.miss_latency_histogram;
  const palette = PALETTES[theme];
  const option = useMemo(() => bucketOption(buckets, palette, which === 'hit' ? 'Hits' : 'Misses', which === 'hit' ? (palette.series[3] ?? '') : (palette.series[1] ?? '')), [buckets, palette, which]);
  const title = which === 'hit' ? 'GET latency: cache hit' : 'GET latency: cache miss';
  return (
    <figure className="chart-card">
      <figcaption className="chart-title">{title}</figcaption>
      {buckets.every((b) => b.count === 0) ? <div className="chart-empty">No {which === 'hit' ? 'hits' : 'misses'} recorded</div> : <Chart option={option} heightPx={220} label={`${title} histogram`} />}
    </figure>
  );
}

export function CacheTab({ report: r }: { report: SessionReport }) {
  const c = r.cache;
  if (!c || c.operations === 0) return <EmptyState title="No cache operations recorded">The target&apos;s Redis was not instrumented or probed during this session.</EmptyState>;
  return (
    <div className="stack">
      <StatRow>
        <Stat label="Operations" value={fmtInt(c.operations)} note={`${fmtInt(c.gets)} get · ${fmtInt(c.sets)} set · ${fmtInt(c.deletes)} del`} />
        <Stat label="Hit rate" value={fmtPct(c.hit_rate)} note={`${fmtInt(c.hits)} hits / ${fmtInt(c.misses)} misses`} />
        <Stat label="Hit latency (avg / p95)" value={`${fmtMs(c.hit_latency_ms.avg)} / ${fmtMs(c.hit_latency_ms.p95)}`} />
        <Stat label="Miss latency (avg / p95)" value={`${fmtMs(c.miss_latency_ms.avg)} / ${fmtMs(c.miss_latency_ms.p95)}`} />
      </StatRow>
      <div className="chart-grid chart-grid-2">
        <Histogram cache={c} which="hit" />
        <Histogram cache={c} which="miss" />
      </div>
      <div className="two-col">
        <Section title="By key pattern" id="cache-pattern-title">
          <DataTable columns={PATTERN_COLUMNS} rows={c.by_pattern} rowKey={(p) => p.pattern} label="Cache by key pattern" initialSort={{ key: 'ops', dir: 'desc' }} maxHeightPx={320} empty={<EmptyState title="No key patterns" />} />
        </Section>
        <Section title="By sensitivity" id="cache-sens-title">
          <DataTable columns={SENS_COLUMNS} rows={c.by_sensitivity} rowKey={(s) => s.sensitivity} label="Cache by sensitivity" maxHeightPx={320} empty={<EmptyState title="No sensitivity levels recorded" />} />
        </Section>
      </div>
      <div className="two-col">
        <Section title="Invalidations" id="cache-inval-title">
          <DataTable columns={INVAL_COLUMNS} rows={c.invalidations} rowKey={(i) => i.trigger} label="Cache invalidations" initialSort={{ key: 'count', dir: 'desc' }} maxHeightPx={300} empty={<EmptyState title="No invalidations" />} />
        </Section>
        <TimelineChart metric="hit_rate" points={r.timeline} title="Hit rate over time" />
      </div>
    </div>
  );
}
