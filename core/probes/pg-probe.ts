import pg from 'pg';
import { WorkbenchError, errorMessage } from '../common/errors.js';
import { redactText } from '../common/redact.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, type ParsedTarget, parseTargetUrl, postgresConnectError, withDeadline } from './connect-errors.js';
import { type ActivityRow, ActivityTracker } from './pg-activity.js';
import { type PostgresFeatures, detectFeatures } from './pg-check.js';
import { postgresSections } from './pg-sections.js';
import {
  ACTIVITY,
  INDEXES,
  PROBE_APPLICATION_NAME,
  PROBE_MARKER,
  SESSION_SETUP,
  STATEMENTS_INFO,
  TABLES,
  statementTextsSql,
  statementsSnapshotSql,
} from './pg-sql.js';
import { type StatementRow, type StatementsInfo, StatementsTracker } from './pg-statements.js';
import { type IndexRow, type TableRow, TablesTracker } from './pg-tables.js';
import { SampleHub } from './sample-hub.js';
import { Ticker } from './ticker.js';
import type { PostgresProbeSections, Probe, ProbeCapabilities, SampleListener } from './types.js';

export interface PostgresProbeOptions {
  /** Bound on connect + session setup (default 4 s: the issue asks for an error within 5 s). */
  connectTimeoutMs?: number;
  /** pg_stat_statements and table statistics period (default 5 s; activity follows start()'s interval). */
  statementsIntervalMs?: number;
  /** Report statements of every database of the server, not only the URL's (default false). */
  allDatabases?: boolean;
  /**
   * The probe's role is used by nothing else: drop every statement it ran (default false, since
   * the application often runs as the same role; the probe's own statements are always dropped
   * by their tagged text).
   */
  dedicatedRole?: boolean;
  /** Mean duration from which a fingerprint is listed as slow (default 100 ms, the profiling library's). */
  slowQueryThresholdMs?: number;
}

const DEFAULT_ACTIVITY_INTERVAL_MS = 1_000;
const DEFAULT_STATEMENTS_INTERVAL_MS = 5_000;
export const DEFAULT_SLOW_QUERY_THRESHOLD_MS = 100;
/** Queryids per text look-up: keeps the bigint[] parameter small. */
const TEXT_BATCH = 500;

/**
 * Watches a user's PostgreSQL read-only through one dedicated connection: pg_stat_statements
 * and table statistics every few seconds, pg_stat_activity every second. See pg-statements.ts
 * for how resets and evictions are survived, pg-sql.ts for how the probe keeps its own
 * statements out of what it reports.
 */
export class PostgresProbe implements Probe {
  readonly name = 'postgres' as const;
  private readonly hub = new SampleHub('postgres');
  private readonly statements: StatementsTracker;
  private readonly activity = new ActivityTracker();
  private readonly tables = new TablesTracker();
  private readonly warningSet = new Set<string>();
  private tickers: Ticker[] = [];
  private startedAtMs: number | null = null;
  private stoppedAtMs: number | null = null;
  private lost = false;
  private closed = false;

  private constructor(
    private readonly client: pg.Client,
    private readonly target: ParsedTarget,
    private features: PostgresFeatures,
    private readonly options: PostgresProbeOptions,
  ) {
    const ownUserid = features.info.userid;
    this.statements = new StatementsTracker(
      (text, userid) => text.includes(PROBE_MARKER) || (options.dedicatedRole === true && userid === ownUserid),
    );
    client.on('error', (err) => {
      this.lost = true;
      this.warningSet.add(`lost the connection to Postgres at ${target.hostPort}: ${redactText(errorMessage(err))}; sampling stopped`);
    });
  }

  /** Connects, makes the session read-only and bounded, and detects what can be sampled. */
  static async connect(url: string, options: PostgresProbeOptions = {}): Promise<PostgresProbe> {
    const target = parseTargetUrl('Postgres', url, ['postgres:', 'postgresql:'], 5432);
    const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: timeoutMs,
      application_name: PROBE_APPLICATION_NAME,
    });
    // Errors after connect are handled by the instance; until then, by the catch below.
    client.on('error', () => undefined);
    try {
      const features = await withDeadline(
        (async () => {
          await client.connect();
          for (const statement of SESSION_SETUP) await client.query(statement);
          return detectFeatures(client);
        })(),
        timeoutMs,
      );
      return new PostgresProbe(client, target, features, options);
    } catch (err) {
      client.end().catch(() => undefined);
      throw postgresConnectError(target, err, timeoutMs);
    }
  }

  async check(): Promise<ProbeCapabilities> {
    this.assertOpen();
    this.features = await detectFeatures(this.client);
    const f = this.features;
    let activityReadable = true;
    try {
      await this.client.query(ACTIVITY);
    } catch {
      activityReadable = false;
    }
    return {
      ok: activityReadable && f.info.readOnly,
      probe: 'postgres',
      target: this.target.redacted,
      version: f.info.version,
      features: {
        pg_stat_statements: f.statementsUsable,
        pg_stat_statements_info: f.statementsInfo,
        pg_stat_activity: activityReadable,
        table_statistics: f.info.trackCounts,
        read_all_stats: f.info.readAllStats || f.info.superuser,
        read_only_session: f.info.readOnly,
      },
      warnings: [...f.warnings],
    };
  }

  onSample(listener: SampleListener): () => void {
    return this.hub.on(listener);
  }

  async start(intervalMs = DEFAULT_ACTIVITY_INTERVAL_MS): Promise<void> {
    this.assertOpen();
    if (this.startedAtMs !== null) throw new WorkbenchError('the Postgres probe was already started');
    this.startedAtMs = Date.now();
    // Base readings first: the window's deltas are counted from them.
    await this.sampleCounters();
    await this.sampleActivity();
    const countersMs = Math.max(intervalMs, this.options.statementsIntervalMs ?? DEFAULT_STATEMENTS_INTERVAL_MS);
    this.tickers = [
      new Ticker(intervalMs, () => this.sampleActivity(), (err) => this.onTickError(err)),
      new Ticker(countersMs, () => this.sampleCounters(), (err) => this.onTickError(err)),
    ];
    for (const t of this.tickers) t.start();
  }

  async stop(): Promise<void> {
    if (this.startedAtMs === null || this.stoppedAtMs !== null) return;
    await Promise.all(this.tickers.map((t) => t.stop()));
    this.tickers = [];
    if (!this.lost && !this.closed) {
      try {
        await this.sampleCounters();
        await this.sampleActivity();
      } catch (err) {
        this.onTickError(err);
      }
    }
    this.stoppedAtMs = Date.now();
  }

  toReportSections(): PostgresProbeSections {
    const endMs = this.stoppedAtMs ?? Date.now();
    return postgresSections({
      features: this.features,
      windowMs: this.startedAtMs === null ? 0 : endMs - this.startedAtMs,
      endMs,
      slowThresholdMs: this.options.slowQueryThresholdMs ?? DEFAULT_SLOW_QUERY_THRESHOLD_MS,
      statements: this.statements,
      activity: this.activity,
      tables: this.tables,
      warnings: [...this.features.warnings, ...this.warningSet],
    });
  }

  /**
   * Runs one statement on the probe's session, which is read-only (default_transaction_read_only)
   * and bounded by statement_timeout: for EXPLAIN and catalog look-ups by the analysis.
   */
  async query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
    this.assertOpen();
    return (await this.client.query<R>(sql, params)).rows;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all(this.tickers.map((t) => t.stop()));
    this.tickers = [];
    this.closed = true;
    await this.client.end().catch(() => undefined);
  }

  private assertOpen(): void {
    if (this.closed) throw new WorkbenchError('the Postgres probe is closed');
    if (this.lost) throw new WorkbenchError(`lost the connection to Postgres at ${this.target.hostPort}`);
  }

  private onTickError(err: unknown): void {
    this.warningSet.add(`a Postgres probe sample failed: ${redactText(errorMessage(err))}`);
  }

  private async sampleActivity(): Promise<void> {
    if (this.lost || this.closed) return;
    const t = Date.now();
    const rows = (await this.client.query<ActivityRow>(ACTIVITY)).rows;
    this.hub.emit(t, this.activity.ingest(rows));
  }

  private async sampleCounters(): Promise<void> {
    if (this.lost || this.closed) return;
    if (this.features.statementsUsable && this.features.statementsVersion !== null) await this.sampleStatements(this.features.statementsVersion);
    const t = Date.now();
    const tableRows = (await this.client.query<TableRow>(TABLES)).rows;
    const indexRows = (await this.client.query<IndexRow>(INDEXES)).rows;
    this.hub.emit(t, this.tables.ingest(tableRows, indexRows));
  }

  private async sampleStatements(extVersion: number): Promise<void> {
    const t = Date.now();
    const params = this.options.allDatabases ? [] : [this.features.info.dbid];
    const raw = await this.client.query<{ userid: number; dbid: number; toplevel: boolean; queryid: string; calls: number; total_ms: number; rows: number; max_ms: number; since: string | null }>(
      statementsSnapshotSql(extVersion, this.options.allDatabases === true),
      params,
    );
    const rows: StatementRow[] = raw.rows.map((r) => ({
      userid: r.userid,
      dbid: r.dbid,
      toplevel: r.toplevel,
      queryid: r.queryid,
      calls: r.calls,
      totalExecMs: r.total_ms,
      rows: r.rows,
      maxExecMs: r.max_ms,
      since: r.since,
    }));
    let info: StatementsInfo | null = null;
    if (this.features.statementsInfo) {
      const i = (await this.client.query<{ dealloc: number; stats_reset: string }>(STATEMENTS_INFO)).rows[0];
      if (i) info = { dealloc: i.dealloc, statsReset: i.stats_reset };
    }
    const unknown = [...new Set(this.statements.unknownKeys(rows).map((r) => r.queryid))];
    for (let i = 0; i < unknown.length; i += TEXT_BATCH) {
      const texts = await this.client.query<{ userid: number; dbid: number; toplevel: boolean; queryid: string; query: string | null }>(
        statementTextsSql(extVersion),
        [unknown.slice(i, i + TEXT_BATCH)],
      );
      for (const r of texts.rows) this.statements.setText(r, r.query ?? '');
    }
    const delta = this.statements.ingest(rows, info);
    this.hub.emit(t, { kind: 'statements', calls: delta.calls, total_ms: delta.totalMs, top: delta.top });
  }
}
