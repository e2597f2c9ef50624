import { callSiteOf, captureStack } from './call-site.js';
import type { TraceFingerprintCount, TraceState } from './context.js';
import type { NPlusOneFinding } from './report-types.js';

/**
 * N+1 detection. Inside a request trace, the same fingerprint issued >= threshold times is a
 * finding (the seed's team-membership loop: one query per team). Outside any trace we fall back
 * to the seed's approach: >= threshold queries of one fingerprint within a sliding window
 * (the seed saw "1,247 times in 0.8 seconds"), marked `detection: 'window'`.
 *
 * Findings are aggregated per fingerprint. The call site is captured once per finding, at the
 * moment a trace crosses the threshold, while the issuing code is still on the stack.
 */

/** Fingerprints tracked per trace; a request issuing more distinct statements is not an N+1 case. */
const MAX_FINGERPRINTS_PER_TRACE = 256;

/** The fingerprint facts the detector needs (the query profiler's per-fingerprint stats). */
export interface DetectorFingerprint {
  readonly fingerprint: string;
  readonly query: string;
  readonly example: string;
  window: WindowState | null;
}

export interface Aggregate {
  fingerprint: string;
  query: string;
  detection: 'trace' | 'window';
  occurrences: number;
  traces: number;
  maxPerTrace: number;
  totalMs: number;
  example: string;
  site: Error | null;
  callSite: string | null | undefined;
}

/** Sliding-window state for one fingerprint outside traces. */
export interface WindowState {
  /** Issue times (performance.now ms) of the last threshold-1 queries, a ring... */
  times: Float64Array;
  /** ...and those queries themselves, to count them in when a burst starts. */
  marks: Array<DetectorMark | null>;
  next: number;
  count: number;
  burst: Aggregate | null;
  burstCount: number;
}

/** What the detector keeps on an in-flight query. */
export interface DetectorMark {
  traceCount: TraceFingerprintCount | null;
  windowFinding: Aggregate | null;
  site: Error | null;
  /** Set at completion; -1 while in flight. */
  durationMs: number;
}

export class NPlusOneDetector {
  private findings = new Map<string, Aggregate>();

  constructor(
    private threshold: number,
    private windowMs: number,
    private maxFindings: number,
  ) {}

  configure(threshold: number, windowMs: number, maxFindings: number): void {
    this.threshold = threshold;
    this.windowMs = windowMs;
    this.maxFindings = maxFindings;
  }

  /** Called when a query is issued (synchronously, with the caller on the stack). */
  onIssue(mark: DetectorMark, fp: DetectorFingerprint, trace: TraceState | null, nowMs: number): void {
    if (trace !== null) this.issueInTrace(mark, fp, trace);
    else this.issueInWindow(mark, fp, nowMs);
  }

  private issueInTrace(mark: DetectorMark, fp: DetectorFingerprint, trace: TraceState): void {
    let counts = trace.fingerprints;
    if (counts === null) counts = trace.fingerprints = new Map();
    let c = counts.get(fp.fingerprint);
    if (c === undefined) {
      if (counts.size >= MAX_FINGERPRINTS_PER_TRACE) return;
      c = { count: 0, durationMs: 0, finding: null };
      counts.set(fp.fingerprint, c);
    }
    c.count++;
    mark.traceCount = c;
    if (c.count < this.threshold) return;
    if (c.finding === null) {
      const f = this.aggregate('trace', fp, mark);
      if (f === null) return;
      c.finding = f;
      f.traces++;
      f.occurrences += c.count;
      f.totalMs += c.durationMs;
      if (c.count > f.maxPerTrace) f.maxPerTrace = c.count;
    } else {
      const f = c.finding as Aggregate;
      f.occurrences++;
      if (c.count > f.maxPerTrace) f.maxPerTrace = c.count;
    }
  }

  private issueInWindow(mark: DetectorMark, fp: DetectorFingerprint, nowMs: number): void {
    const ring = this.threshold - 1;
    let w = fp.window;
    if (w === null || w.times.length !== ring) {
      w = fp.window = {
        times: new Float64Array(ring),
        marks: new Array<DetectorMark | null>(ring).fill(null),
        next: 0,
        count: 0,
        burst: null,
        burstCount: 0,
      };
    }
    // The ring's next slot holds the oldest of the last threshold-1 issues.
    const inBurst = w.count >= ring && nowMs - (w.times[w.next] as number) <= this.windowMs;
    if (!inBurst) {
      w.burst = null;
    } else if (w.burst === null) {
      const f = this.aggregate('window', fp, mark);
      if (f !== null) this.startBurst(w, f, mark);
    } else {
      w.burstCount++;
      w.burst.occurrences++;
      mark.windowFinding = w.burst;
      if (w.burstCount > w.burst.maxPerTrace) w.burst.maxPerTrace = w.burstCount;
    }
    w.times[w.next] = nowMs;
    w.marks[w.next] = mark;
    w.next = (w.next + 1) % ring;
    w.count++;
  }

  /** A burst starts: this query and the earlier ones in the window join the finding. */
  private startBurst(w: WindowState, f: Aggregate, mark: DetectorMark): void {
    let joined = 1;
    mark.windowFinding = f;
    for (const m of w.marks) {
      if (m === null || m.windowFinding !== null) continue; // already part of an earlier burst
      joined++;
      m.windowFinding = f;
      if (m.durationMs >= 0) f.totalMs += m.durationMs; // completed; in-flight ones add theirs later
    }
    w.burst = f;
    w.burstCount = joined;
    f.occurrences += joined;
    if (joined > f.maxPerTrace) f.maxPerTrace = joined;
  }

  /** Called when the query has completed. */
  onComplete(mark: DetectorMark, durationMs: number): void {
    mark.durationMs = durationMs;
    const c = mark.traceCount;
    if (c !== null) {
      c.durationMs += durationMs;
      if (c.finding !== null) c.finding.totalMs += durationMs;
    } else if (mark.windowFinding !== null) {
      mark.windowFinding.totalMs += durationMs;
    }
  }

  private aggregate(detection: 'trace' | 'window', fp: DetectorFingerprint, mark: DetectorMark): Aggregate | null {
    const key = detection === 'trace' ? fp.fingerprint : `w:${fp.fingerprint}`;
    let f = this.findings.get(key);
    if (f === undefined) {
      if (this.findings.size >= this.maxFindings) return null;
      f = {
        fingerprint: fp.fingerprint,
        query: fp.query,
        detection,
        occurrences: 0,
        traces: 0,
        maxPerTrace: 0,
        totalMs: 0,
        example: fp.example,
        site: mark.site ?? captureStack(),
        callSite: undefined,
      };
      this.findings.set(key, f);
    }
    return f;
  }

  /** Findings, most occurrences first. */
  list(): NPlusOneFinding[] {
    const out: NPlusOneFinding[] = [];
    for (const f of this.findings.values()) {
      if (f.callSite === undefined) {
        f.callSite = callSiteOf(f.site);
        f.site = null;
      }
      out.push({
        fingerprint: f.fingerprint,
        query: f.query,
        occurrences: f.occurrences,
        traces_affected: f.detection === 'trace' ? f.traces : 0,
        max_per_trace: f.maxPerTrace,
        total_duration_ms: f.totalMs,
        example: f.example,
        call_site: f.callSite,
        detection: f.detection,
      });
    }
    return out.sort((a, b) => b.occurrences - a.occurrences);
  }

  get size(): number {
    return this.findings.size;
  }

  reset(): void {
    this.findings = new Map();
  }
}
