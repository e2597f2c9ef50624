import { errorMessage } from '../common/errors.js';
import { startLoadWorker } from '../load/index.js';
import type { LoadRun, LoadTotals, SecondStats } from '../load/types.js';
import type { ProfilingSnapshot } from '../profiling/snapshot-types.js';
import { createBatchedWriter, type BatchedWriter, type JsonObject, type Store } from '../store/index.js';
import { finalizeSession } from './finalize.js';
import { connectPlanDb, probePlanDb, type ClosablePlanDb } from './plan-db.js';
import { prepareRecording, type PreparedRecording } from './prepare.js';
import { SnapshotIngest } from './snapshot-ingest.js';
import { TimelineAssembler } from './timeline.js';
import type { RecorderHooks, RecordingProgress, RecordingResult, RecordOptions } from './types.js';

/**
 * The recorder: starts (or checks) the target, the probes and the load, and streams everything
 * into the store through the batched writer as it happens, so memory stays bounded and a crash
 * loses at most the last flush. stop() ends early and keeps the session `completed`; cancel()
 * ends early and marks it `cancelled`; both keep what was recorded.
 */

export interface Recording {
  sessionId: string;
  name: string;
  /** Planned length (ramp-up + sustained + cool-down), s; null for a replay. */
  plannedS: number | null;
  done: Promise<RecordingResult>;
  stop(): void;
  cancel(): void;
}

/** Heartbeat period: well under the store's 30 s staleness limit. */
const HEARTBEAT_MS = 1000;

export async function startRecording(store: Store, opts: RecordOptions, hooks: RecorderHooks = {}): Promise<Recording> {
  const log = hooks.onLog ?? (() => undefined);
  // Everything that can fail on bad input or an unreachable target fails here, before a session exists.
  const prepared = await prepareRecording(store, opts, log);
  try {
    return await run(store, prepared, hooks);
  } catch (err) {
    await prepared.release();
    throw err;
  }
}

async function run(store: Store, p: PreparedRecording, hooks: RecorderHooks): Promise<Recording> {
  const log = hooks.onLog ?? (() => undefined);
  const session = store.sessions.create({
    name: p.name,
    target_kind: p.targetKind,
    target: p.targetDescription,
    profile: p.profile,
    knobs: p.knobs,
    load_config: p.loadDescription,
    seed: p.seed,
    parent_id: p.parentId,
    source: p.parentId ? 'replay' : 'recorded',
  });
  const id = session.id;
  const name = session.name;
  const writer: BatchedWriter = createBatchedWriter(store, {
    onError: (err) => log('warn', `store write failed: ${errorMessage(err)}`),
  });
  const event = (level: 'info' | 'warn' | 'error', kind: string, message: string) => {
    writer.push('events', { session_id: id, t_ms: Date.now(), level, kind, message });
    if (level !== 'info' || kind !== 'phase') log(level, message);
  };
  for (const w of p.warnings) event('warn', 'warning', w);
  event('info', 'start', `recording ${name}`);

  const startMs = Date.now();
  const timeline = new TimelineAssembler(id, writer, startMs);
  const ingest = new SnapshotIngest(id, writer, timeline);
  let baselineSet = false;
  p.embedded?.onSnapshot((s: ProfilingSnapshot) => {
    if (!baselineSet) {
      ingest.setBaseline(s);
      baselineSet = true;
    }
    ingest.ingest(s);
  });

  const progress = { requests: 0, errors: 0, last: null as SecondStats | null };
  const emitProgress = (second: SecondStats | null, point: RecordingProgress['point']) => {
    const elapsed = (Date.now() - startMs) / 1000;
    const pool = ingest.latest?.pool ?? null;
    hooks.onProgress?.({
      sessionId: id,
      name,
      phase: second?.phase ?? (p.load ? 'starting' : 'observing'),
      elapsed_s: elapsed,
      total_s: p.plannedS,
      requests: progress.requests,
      rps: second?.rps ?? 0,
      p50_ms: second?.p50_ms ?? 0,
      p95_ms: second?.p95_ms ?? 0,
      p99_ms: second?.p99_ms ?? 0,
      errors: progress.errors,
      hit_rate: timeline.hitRate,
      pool_checked_out: point?.pool_checked_out ?? null,
      pool_size: pool?.size ?? null,
      point,
    });
  };

  let load: LoadRun | null = null;
  let ending: 'stop' | 'cancel' | null = null;
  let targetDied: string | null = null;
  let finishObserve: (() => void) | null = null;

  // The probes take their base readings (pg_stat_statements, INFO) before any load is sent and
  // before the caller learns that the session started: a statement or cache lookup that ran
  // before the base reading would be missing from the window's deltas, and in observe-only mode
  // the user starts their own load when we say we are recording.
  let probeFailure: string | null = null;
  if (p.probes) {
    try {
      await p.probes.start((s) => writer.push('probe_samples', { session_id: id, probe: s.probe, t_ms: s.t_ms, data: s.data as unknown as JsonObject }), timeline);
    } catch (err) {
      probeFailure = `the probes could not start: ${errorMessage(err)}`;
    }
  }

  if (p.load && !probeFailure) {
    load = startLoadWorker(p.load, p.replaySource ? { source: p.replaySource } : {});
    load.on('second', (s) => {
      progress.requests += s.requests;
      progress.errors += s.error_count;
      progress.last = s;
      const row = timeline.addLoadSecond(s);
      for (const [kind, k] of Object.entries(s.by_kind)) {
        if (k.requests > 0) writer.push('latency_windows', { session_id: id, t_s: s.t_s, kind, count: k.requests, errors: k.errors, hist: k.histogram });
      }
      const { session_id: _s, requests: _r, queries: _q, ...point } = row;
      emitProgress(s, point);
    });
    load.on('trace', (batch) => {
      for (const r of batch) {
        writer.push('request_trace', {
          session_id: id,
          seq: r.seq,
          t_offset_ms: r.t_offset_ms,
          kind: r.kind,
          method: r.method,
          path: r.path,
          body: r.body,
          status: r.status,
          latency_ms: r.latency_ms,
          error_class: r.error_class,
        });
      }
    });
    load.on('phase', (ph) => event('info', 'phase', `phase ${ph.phase} at ${(ph.t_ms / 1000).toFixed(1)} s`));
  }

  const heartbeat = setInterval(() => {
    const s = progress.last;
    const elapsed = Math.max(0.001, (Date.now() - startMs) / 1000);
    const alive = store.sessions.heartbeat(id, {
      requests: progress.requests,
      errors: progress.errors,
      throughput_rps: progress.requests / elapsed,
      p50_ms: s?.p50_ms ?? 0,
      p95_ms: s?.p95_ms ?? 0,
      p99_ms: s?.p99_ms ?? 0,
      hit_rate: timeline.hitRate,
    });
    if (!p.load) {
      const t = Math.floor((Date.now() - startMs) / 1000);
      timeline.addIdleSecond(Math.max(0, t - 1));
      emitProgress(null, null);
    }
    if (!alive) log('warn', 'this session was marked interrupted by another process; finishing anyway');
  }, HEARTBEAT_MS);
  heartbeat.unref?.();

  let finishing = false;
  p.embedded?.exited.then(({ code, signal, error }) => {
    if (ending || finishing) return;
    targetDied = error ?? `the embedded server exited unexpectedly (${signal ?? `exit code ${String(code)}`})`;
    event('error', 'target', targetDied);
    void load?.stop();
    finishObserve?.();
  });

  const done = (async (): Promise<RecordingResult> => {
    let totals: LoadTotals | null = null;
    let failure: string | null = null;
    try {
      if (probeFailure) throw new Error(probeFailure);
      if (load) totals = await load.done;
      else {
        await new Promise<void>((resolve) => {
          finishObserve = resolve;
          setTimeout(resolve, (p.observeS ?? 0) * 1000).unref?.();
        });
      }
    } catch (err) {
      failure = errorMessage(err);
      event('error', 'recorder', failure);
    }
    clearInterval(heartbeat);
    finishing = true;
    // Drain (final snapshot) but keep the embedded database up for read-only EXPLAIN.
    const finalSnapshot = p.embedded && !targetDied ? await p.embedded.drain() : null;
    if (finalSnapshot) ingest.ingest(finalSnapshot);
    const probeSections = p.probes ? await p.probes.stop() : null;
    let planDb: ClosablePlanDb | null = null;
    const planUrl = p.planDbUrl ?? (p.embedded?.ready.storage.embeddedUrl ? { url: p.embedded.ready.storage.embeddedUrl } : null);
    if (planUrl && !targetDied && ending !== 'cancel') planDb = await connectPlanDb(planUrl.url, planUrl.searchPath);
    const status = failure || targetDied ? 'failed' : ending === 'cancel' ? 'cancelled' : 'completed';
    try {
      writer.flush();
      await finalizeSession(store, writer, id, {
        totals,
        profile: ingest.latest,
        probes: probeSections,
        status,
        error: failure ?? targetDied ?? undefined,
        planDb: planDb ?? (p.probes?.postgres ? probePlanDb(p.probes.postgres) : undefined),
        durationS: (Date.now() - startMs) / 1000,
      });
    } catch (err) {
      log('error', `could not finish the session: ${errorMessage(err)}`);
      try {
        store.sessions.finish(id, 'failed', { error: errorMessage(err) });
      } catch {
        // already final
      }
    } finally {
      writer.close();
      await planDb?.close();
      if (p.embedded && !targetDied) await p.embedded.stop();
      await p.release();
    }
    const stats = writer.stats();
    if (stats.dropped > 0) log('warn', `${stats.dropped} rows could not be written to the store`);
    const final = store.sessions.require(id);
    return { sessionId: id, status: final.status, error: final.error };
  })();

  return {
    sessionId: id,
    name,
    plannedS: p.plannedS,
    done,
    stop() {
      if (ending) return;
      ending = 'stop';
      event('info', 'stop', 'stopped by the user');
      void load?.stop();
      finishObserve?.();
    },
    cancel() {
      if (ending === 'cancel') return;
      ending = 'cancel';
      event('warn', 'cancel', 'cancelled by the user; what was recorded is kept');
      void load?.stop();
      finishObserve?.();
    },
  };
}

