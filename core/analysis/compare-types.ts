/**
 * The comparison of two sessions (ARCHITECTURE.md "Comparison JSON"): what `compare --json`
 * writes and the API returns. `significant: false` is displayed as "~" (no change).
 */

export type Verdict = 'improved' | 'regressed' | 'unchanged';

export interface SessionRef {
  id: string;
  name: string;
  profile: string | null;
}

export interface MetricComparison {
  metric: string;
  label: string;
  unit: string;
  baseline: number | null;
  candidate: number | null;
  /** 95% confidence interval of the baseline/candidate median when the metric is sampled per second. */
  baseline_ci: [number, number] | null;
  candidate_ci: [number, number] | null;
  change_pct: number | null;
  p_value: number | null;
  significant: boolean;
  /** null when not significant (shown as "~"). */
  better: boolean | null;
  lower_is_better: boolean;
  /** Whether this metric decides the verdict. */
  key: boolean;
  /** How significance was decided. */
  method: 'mann-whitney per-second' | 'mann-whitney per-request' | 'exact count';
}

export interface QueryComparison {
  fingerprint: string;
  query: string;
  baseline_count: number;
  candidate_count: number;
  baseline_mean_ms: number | null;
  candidate_mean_ms: number | null;
  baseline_p95_ms: number | null;
  candidate_p95_ms: number | null;
  change_pct: number | null;
  significant: boolean;
  better: boolean | null;
}

export interface CachePatternComparison {
  pattern: string;
  baseline_operations: number;
  candidate_operations: number;
  baseline_hit_rate: number | null;
  candidate_hit_rate: number | null;
  /** Change in percentage points of hit rate. */
  change_pp: number | null;
  significant: boolean;
  better: boolean | null;
}

export interface FunctionComparison {
  name: string;
  baseline_calls: number;
  candidate_calls: number;
  baseline_mean_ms: number | null;
  candidate_mean_ms: number | null;
  change_pct: number | null;
  significant: boolean;
  better: boolean | null;
}

export interface KindComparison {
  kind: string;
  baseline_requests: number;
  candidate_requests: number;
  baseline_p50_ms: number | null;
  candidate_p50_ms: number | null;
  baseline_p95_ms: number | null;
  candidate_p95_ms: number | null;
  change_pct: number | null;
  significant: boolean;
  better: boolean | null;
  /** Latency distributions for overlaid charts: [upper bound ms, share of requests] per bucket. */
  baseline_distribution: Array<[number, number]>;
  candidate_distribution: Array<[number, number]>;
}

export interface Comparison {
  verdict: Verdict;
  /** One sentence a reviewer can paste: what changed, by how much. */
  headline: string;
  baseline: SessionRef;
  candidate: SessionRef;
  alpha: number;
  min_effect_pct: number;
  metrics: MetricComparison[];
  queries: QueryComparison[];
  cache_patterns: CachePatternComparison[];
  functions: FunctionComparison[];
  latency_by_kind: KindComparison[];
  /** Significant regressions on key metrics, worst first (for --fail-on-regression). */
  regressions: Array<{ metric: string; change_pct: number | null }>;
  warnings: string[];
}
