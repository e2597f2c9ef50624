import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WorkbenchError } from '../../../core/common/errors.js';
import { LatencyHistogram } from '../../../core/profiling/histogram.js';
import { createBatchedWriter, openStore, type QueryStatsRow, type Store } from '../../../core/store/index.js';
import { newRecording, timelineRow, traceRow } from './helpers.js';

/** Long enough that only an explicit or size-triggered flush happens during a test. */
const NEVER_MS = 600_000;

describe('batched writer', () => {
  let store: Store;
  let sessionId: string;
  beforeEach(() => {
    store = openStore(':memory:');
    sessionId = newRecording(store);
  });
  afterEach(() => store.close());

  it('push never writes inline: 100k rows are all pending after the loop, then all written', async () => {
    const writer = createBatchedWriter(store, { maxPendingRows: 150_000 });
    for (let seq = 0; seq < 100_000; seq++) writer.push('request_trace', traceRow(sessionId, seq));
    expect(writer.stats().rowsWritten).toBe(0);
    expect(writer.stats().pending).toBe(100_000);
    await vi.waitFor(() => expect(writer.stats().rowsWritten).toBe(100_000), { timeout: 15_000 });
    expect(writer.stats().dropped).toBe(0);
    expect(store.reader.countRequestTrace(sessionId)).toBe(100_000);
    writer.close();
  });

  it('schedules a flush on the next turn once maxBatchRows are pending, not before', async () => {
    const writer = createBatchedWriter(store, { flushIntervalMs: NEVER_MS, maxBatchRows: 500 });
    for (let t = 0; t < 499; t++) writer.push('timeline', timelineRow(sessionId, t));
    await nextTurn();
    expect(writer.stats().rowsWritten).toBe(0);
    writer.push('timeline', timelineRow(sessionId, 499));
    expect(writer.stats().rowsWritten).toBe(0);
    await nextTurn();
    expect(writer.stats()).toMatchObject({ rowsWritten: 500, flushes: 1, pending: 0 });
    writer.close();
  });

  it('flushes on its timer when fewer rows are pending', async () => {
    const writer = createBatchedWriter(store, { flushIntervalMs: 20 });
    writer.push('timeline', timelineRow(sessionId, 0));
    await vi.waitFor(() => expect(store.reader.getTimeline(sessionId)).toHaveLength(1), { timeout: 10_000 });
    expect(writer.stats().flushes).toBe(1);
    writer.close();
  });

  it('writes each flush in one transaction: a bad row loses its whole batch, counted, and the next batch is fine', () => {
    const errors: WorkbenchError[] = [];
    const writer = createBatchedWriter(store, { flushIntervalMs: NEVER_MS, onError: (e) => errors.push(e) });
    const transaction = vi.spyOn(store, 'transaction');
    writer.push('timeline', timelineRow(sessionId, 0));
    writer.push('request_trace', traceRow(sessionId, 0));
    writer.push('request_trace', traceRow('s-19700101-000000-0000', 1)); // no such session: FK violation
    expect(writer.flush()).toBe(0);
    expect(transaction).toHaveBeenCalledTimes(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/a batch of 3 rows could not be written and was dropped: FOREIGN KEY constraint failed/);
    expect(store.countRows(sessionId)).toMatchObject({ timeline: 0, request_trace: 0 });
    expect(writer.stats()).toMatchObject({ dropped: 3, failedFlushes: 1, droppedByTable: { timeline: 1, request_trace: 2 } });

    for (let seq = 0; seq < 2_500; seq++) writer.push('request_trace', traceRow(sessionId, seq));
    writer.push('timeline', timelineRow(sessionId, 0));
    expect(writer.flush()).toBe(2_501);
    expect(transaction).toHaveBeenCalledTimes(2);
    expect(store.countRows(sessionId)).toMatchObject({ timeline: 1, request_trace: 2_500 });
    writer.close();
  });

  it('a throwing onError does not escape a scheduled flush', async () => {
    const writer = createBatchedWriter(store, {
      flushIntervalMs: 5,
      onError: () => {
        throw new Error('handler bug');
      },
    });
    writer.push('timeline', timelineRow('s-19700101-000000-0000', 0));
    await vi.waitFor(() => expect(writer.stats().failedFlushes).toBe(1), { timeout: 10_000 });
    expect(writer.stats().dropped).toBe(1);
    writer.close();
  });

  it('drops and counts rows beyond maxPendingRows, and reports them', () => {
    const reported: number[] = [];
    const writer = createBatchedWriter(store, { flushIntervalMs: NEVER_MS, maxBatchRows: 1_000, maxPendingRows: 1_000, onDrop: (n) => reported.push(n) });
    for (let seq = 0; seq < 1_500; seq++) writer.push('request_trace', traceRow(sessionId, seq));
    expect(writer.stats()).toMatchObject({ pending: 1_000, maxPending: 1_000, dropped: 500, droppedByTable: { request_trace: 500 } });
    expect(writer.flush()).toBe(1_000);
    expect(reported).toEqual([500]);
    expect(store.reader.countRequestTrace(sessionId)).toBe(1_000);
    // The kept rows are the first ones: the trace has no holes before the drop point.
    expect([...store.reader.iterateRequestTrace(sessionId)].at(-1)?.seq).toBe(999);
    writer.close();
  });

  it('close() flushes; later pushes are counted as dropped, not lost silently', () => {
    const writer = createBatchedWriter(store, { flushIntervalMs: NEVER_MS });
    writer.push('timeline', timelineRow(sessionId, 0));
    writer.close();
    expect(writer.closed).toBe(true);
    expect(store.reader.getTimeline(sessionId)).toHaveLength(1);
    writer.push('timeline', timelineRow(sessionId, 1));
    expect(writer.stats()).toMatchObject({ rowsWritten: 1, dropped: 1 });
    expect(store.reader.getTimeline(sessionId)).toHaveLength(1);
  });

  it("store.close() flushes the store's open writers", () => {
    const path = ':memory:';
    const s = openStore(path);
    const id = newRecording(s);
    const writer = createBatchedWriter(s, { flushIntervalMs: NEVER_MS });
    writer.push('timeline', timelineRow(id, 0));
    s.close();
    expect(writer.closed).toBe(true);
    expect(writer.stats().rowsWritten).toBe(1);
  });

  it('upserts keep one cumulative row per key: latest values win, a missing histogram keeps the stored one', () => {
    const writer = createBatchedWriter(store, { flushIntervalMs: NEVER_MS });
    const hist = LatencyHistogram.from([1, 2, 3, 40]);
    const stats = (count: number, total_ms: number, h: string | null): QueryStatsRow => ({
      session_id: sessionId, fingerprint: 'fp1', query: 'SELECT * FROM tools WHERE id = $1', count, errors: 0, total_ms,
      mean_ms: total_ms / count, p50_ms: 2, p95_ms: 40, p99_ms: 40, max_ms: 40, rows: count, hist: h,
    });
    writer.push('query_stats', stats(4, 46, hist.encode()));
    writer.flush();
    writer.push('query_stats', stats(10, 100, null));
    writer.flush();
    expect(store.reader.getQueryStats(sessionId)).toEqual([
      expect.objectContaining({ fingerprint: 'fp1', count: 10, total_ms: 100, mean_ms: 10 }),
    ]);
    expect(store.reader.getQueryHistograms(sessionId).get('fp1')?.count).toBe(4);

    // Per-second deltas pushed twice add up; a slow query re-sent by a cumulative snapshot is stored once.
    writer.push('query_windows', { session_id: sessionId, t_s: 3, fingerprint: 'fp1', count: 2, total_ms: 5 });
    writer.push('query_windows', { session_id: sessionId, t_s: 3, fingerprint: 'fp1', count: 3, total_ms: 7 });
    const slow = { session_id: sessionId, fingerprint: 'fp1', query: 'q', statement: 'SELECT pg_sleep($1)', duration_ms: 150, rows: 1, at_ms: 1_700_000_000_000, call_site: 'app.ts:3', error: null };
    writer.push('slow_queries', slow);
    writer.push('slow_queries', { ...slow });
    writer.push('n_plus_one', { session_id: sessionId, fingerprint: 'fp1', detection: 'trace', query: 'q', occurrences: 10, traces_affected: 2, max_per_trace: 5, total_duration_ms: 20, example: 'e', call_site: 'a.ts:1' });
    writer.push('n_plus_one', { session_id: sessionId, fingerprint: 'fp1', detection: 'trace', query: 'q', occurrences: 25, traces_affected: 5, max_per_trace: 6, total_duration_ms: 50, example: 'e', call_site: 'a.ts:1' });
    writer.close();
    expect(store.reader.getQueryWindows(sessionId)).toEqual([{ t_s: 3, fingerprint: 'fp1', count: 5, total_ms: 12 }]);
    expect(store.reader.getSlowQueries(sessionId)).toHaveLength(1);
    expect(store.reader.getNPlusOne(sessionId)).toEqual([expect.objectContaining({ occurrences: 25, traces_affected: 5 })]);
  });

  it('rejects nonsensical options with a clear error', () => {
    expect(() => createBatchedWriter(store, { maxBatchRows: 0 })).toThrow(/maxBatchRows must be a positive number/);
  });
});
