import { UsageError, errorMessage } from '../common/errors.js';
import { redactText } from '../common/redact.js';
import { KNOB_SPECS, SARK_PROFILE_NAMES } from '../sark/index.js';
import { startEmbeddedTarget, type EmbeddedTarget } from '../session/embedded-target.js';
import { checkTargetUrl, startRecording, type EmbeddedExtras, type Recording, type RecordOptions, type RecordTarget } from '../session/index.js';
import { PostgresProbe, RedisProbe } from '../probes/index.js';
import type { Store } from '../store/index.js';
import type { ApiEvents, ApiParams, ApiResults, ConnectionCheck, RecordingProgress } from './types.js';

/**
 * recording/*, replay/start, targets/test and embedded/*. One recording at a time: the
 * machine's cores are what is being measured, and two runs would skew each other.
 */

type Broadcast = <E extends keyof ApiEvents>(event: E, data: ApiEvents[E]) => void;

async function checkPart(fn: () => Promise<ConnectionCheck>): Promise<ConnectionCheck> {
  try {
    return await fn();
  } catch (err) {
    return { ok: false, message: redactText(errorMessage(err)) };
  }
}

export function recordingHandlers(store: Store, broadcast: Broadcast, embeddedDefaults: EmbeddedExtras = {}) {
  let active: { rec: Recording; startedAt: string; progress: RecordingProgress | null } | null = null;
  let starting = false;
  let standalone: { target: EmbeddedTarget; profile: string } | null = null;

  async function begin(opts: RecordOptions): Promise<{ sessionId: string }> {
    if (active || starting) throw new UsageError(`a recording is already running (${active?.rec.sessionId ?? 'starting'}); stop it first`);
    starting = true;
    let rec: Recording;
    try {
      rec = await startRecording(store, { ...opts, embedded: { ...embeddedDefaults, ...opts.embedded } }, {
        onProgress: (p) => {
          if (active) active.progress = p;
          broadcast('recording/progress', p);
        },
      });
    } finally {
      starting = false;
    }
    active = { rec, startedAt: new Date().toISOString(), progress: null };
    broadcast('sessions/changed', { reason: 'created' });
    void rec.done
      .then((r) => broadcast('recording/finished', { sessionId: r.sessionId, status: r.status, error: r.error }))
      .catch((err: unknown) => broadcast('recording/finished', { sessionId: rec.sessionId, status: 'failed', error: errorMessage(err) }))
      .finally(() => {
        active = null;
        broadcast('sessions/changed', { reason: 'updated' });
      });
    return { sessionId: rec.sessionId };
  }

  return {
    isRecording: (id: string) => active?.rec.sessionId === id,
    async close(): Promise<void> {
      active?.rec.cancel();
      await active?.rec.done.catch(() => undefined);
      standalone?.target.kill();
    },
    handlers: {
      async 'recording/start'(p: ApiParams<'recording/start'>): Promise<ApiResults['recording/start']> {
        return begin({ name: p.name || undefined, target: p.target as RecordTarget, load: p.load });
      },
      async 'recording/stop'(p: ApiParams<'recording/stop'>): Promise<ApiResults['recording/stop']> {
        if (!active || active.rec.sessionId !== p.sessionId) throw new UsageError(`session ${p.sessionId} is not recording`);
        if (p.cancel) active.rec.cancel();
        else active.rec.stop();
        return { sessionId: p.sessionId };
      },
      async 'recording/active'(): Promise<ApiResults['recording/active']> {
        if (!active) return null;
        return { sessionId: active.rec.sessionId, name: active.rec.name, startedAt: active.startedAt, progress: active.progress };
      },
      async 'replay/start'(p: ApiParams<'replay/start'>): Promise<ApiResults['replay/start']> {
        const source = store.sessions.get(p.sessionId);
        if (!source) throw new UsageError(`no session "${p.sessionId}"`);
        let target = p.target as RecordTarget | undefined;
        if (!target) {
          const url = (source.target as { url?: unknown }).url;
          if (source.target_kind === 'embedded') target = { kind: 'embedded', profile: (source.profile as 'baseline' | 'optimized' | null) ?? 'baseline', knobs: source.knobs as Record<string, number | boolean> };
          else if (source.target_kind === 'external' && typeof url === 'string') target = { kind: 'external', targetUrl: url };
          else throw new UsageError(`session ${source.id} has no target to replay against; choose one`);
        }
        return begin({ name: p.name || `replay of ${source.name}`, target, replay: { sessionId: source.id, asFastAsPossible: p.asFastAsPossible ?? false } });
      },
      async 'targets/test'(p: ApiParams<'targets/test'>): Promise<ApiResults['targets/test']> {
        const out: ApiResults['targets/test'] = {};
        const jobs: Array<Promise<void>> = [];
        if (p.targetUrl) {
          const url = p.targetUrl;
          jobs.push(checkPart(async () => ({ ok: true, message: `answers HTTP ${(await checkTargetUrl(url)).status}` })).then((r) => void (out.target = r)));
        }
        if (p.pg) {
          const url = p.pg;
          jobs.push(
            checkPart(async () => {
              const probe = await PostgresProbe.connect(url);
              try {
                const c = await probe.check();
                return { ok: c.ok, message: `PostgreSQL ${c.version}: connected read-only${c.features.pg_stat_statements ? ', pg_stat_statements available' : ''}`, details: c.features, warnings: c.warnings };
              } finally {
                await probe.close();
              }
            }).then((r) => void (out.pg = r)),
          );
        }
        if (p.redis) {
          const url = p.redis;
          jobs.push(
            checkPart(async () => {
              const probe = await RedisProbe.connect(url);
              try {
                const c = await probe.check();
                return { ok: c.ok, message: `Redis ${c.version}: connected`, details: c.features, warnings: c.warnings };
              } finally {
                await probe.close();
              }
            }).then((r) => void (out.redis = r)),
          );
        }
        if (jobs.length === 0) throw new UsageError('give a service URL, a Postgres URL or a Redis URL to test');
        await Promise.all(jobs);
        return out;
      },
      async 'embedded/describe'(): Promise<ApiResults['embedded/describe']> {
        return {
          profiles: [...SARK_PROFILE_NAMES],
          knobs: KNOB_SPECS.map((k) =>
            k.type === 'boolean'
              ? { name: k.name, type: 'boolean' as const, description: k.description, defaults: k.defaults }
              : { name: k.name, type: 'integer' as const, description: k.description, defaults: k.defaults, min: k.min, max: k.max },
          ),
        };
      },
      async 'embedded/start'(p: ApiParams<'embedded/start'>): Promise<ApiResults['embedded/start']> {
        if (standalone) throw new UsageError(`an embedded server is already running at ${standalone.target.url}`);
        const knobs = Object.fromEntries(Object.entries(p.knobs ?? {}).map(([k, v]) => [k, v]));
        const target = await startEmbeddedTarget({ profile: p.profile ?? 'baseline', knobs: knobs as never, port: p.port, sizes: embeddedDefaults.sizes, seed: embeddedDefaults.seed }, () => undefined);
        standalone = { target, profile: target.ready.profile };
        void target.exited.then(() => {
          if (standalone?.target === target) standalone = null;
        });
        return { running: true, url: target.url, profile: target.ready.profile };
      },
      async 'embedded/stop'(): Promise<ApiResults['embedded/stop']> {
        if (standalone) {
          const t = standalone.target;
          standalone = null;
          await t.stop();
        }
        return { running: false, url: null, profile: null };
      },
      async 'embedded/status'(): Promise<ApiResults['embedded/status']> {
        return standalone ? { running: true, url: standalone.target.url, profile: standalone.profile } : { running: false, url: null, profile: null };
      },
    },
  };
}

