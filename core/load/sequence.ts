import type { EvaluationPair, LoadConfig } from './config.js';
import { idAt, idRangeSize } from './id-range.js';
import { KindPicker } from './mix.js';
import { Xoshiro128 } from './prng.js';
import {
  CompiledTemplate,
  SARK_SERVER_EVALUATE_TEMPLATE,
  type TemplateValues,
} from './template.js';
import type { PlannedRequest, RequestKind } from './types.js';

/**
 * The request sequence: a pure function of the resolved LoadConfig (its seed, mix, id ranges,
 * hot set size, critical tools, template and analytics window). Request `seq` is the same
 * request on every run with that config, whichever virtual user ends up sending it, so a
 * session can be re-created from its config as well as replayed from its stored trace.
 */

export const ANALYTICS_PATH = '/api/v1/audit/analytics';

/** The hot set comes from its own stream, so changing the mix does not reshuffle the hot pairs. */
const HOT_SET_STREAM = 0x9e3779b9;

interface Prepared {
  method: string;
  path: string;
  body: string | null;
}

export class RequestPlanner {
  private readonly rng: Xoshiro128;
  private readonly picker: KindPicker;
  private readonly main: CompiledTemplate;
  private readonly server: CompiledTemplate;
  private readonly hot: Prepared[];
  /** Pre-rendered critical requests when the target gave its own critical pairs. */
  private readonly criticalPrepared: Prepared[] | null;
  private readonly analytics: Prepared | null;
  private readonly values: TemplateValues = { user: '', tool: '', server: '', action: '' };
  private readonly cfg: LoadConfig['requests'];
  private readonly userCount: number;
  private readonly toolCount: number;
  private readonly serverCount: number;
  private seq = 0;

  constructor(config: LoadConfig) {
    const r = config.requests;
    this.cfg = r;
    this.rng = new Xoshiro128(config.seed);
    this.picker = new KindPicker(config.mix);
    this.main = new CompiledTemplate(r.template, 'requests.template');
    this.server = r.source === 'sark' ? new CompiledTemplate(SARK_SERVER_EVALUATE_TEMPLATE) : this.main;
    this.userCount = idRangeSize(r.userIds);
    this.toolCount = idRangeSize(r.toolIds);
    this.serverCount = idRangeSize(r.serverIds);
    this.analytics = r.source === 'sark' ? analyticsRequest(r.analyticsEndMs, r.analyticsWindowS) : null;
    // Hot (user, tool, action) triples, rendered once: a `cached` request costs no string work.
    const hotRng = new Xoshiro128((config.seed ^ HOT_SET_STREAM) >>> 0);
    this.hot = [];
    if (r.hotPairs && r.hotPairs.length > 0) {
      for (const p of r.hotPairs) this.hot.push(this.renderPair(p));
    } else {
      for (let i = 0; i < r.hotSetSize; i++) {
        this.fillToolValues(hotRng, this.randomTool(hotRng));
        this.hot.push(this.render(this.main));
      }
    }
    this.criticalPrepared = r.criticalPairs && r.criticalPairs.length > 0 ? r.criticalPairs.map((p) => this.renderPair(p)) : null;
  }

  /**
   * A known pair: through the template for template sources; for the SARK API, the evaluate
   * body with the pair's context (a critical decision needs `{"mfa": true}` to be allowed).
   */
  private renderPair(p: EvaluationPair): Prepared {
    if (this.cfg.source !== 'sark' || p.context === undefined) {
      const v = this.values;
      v.user = p.user;
      v.tool = p.tool;
      v.action = p.action;
      return this.render(this.main);
    }
    return {
      method: this.main.method,
      path: this.main.path.render(this.values),
      body: JSON.stringify({ user_id: p.user, action: p.action, tool_id: p.tool, context: p.context }),
    };
  }

  /** The next request of the sequence (the sequence never ends; the scheduler decides how many). */
  next(): PlannedRequest {
    const rng = this.rng;
    const kind = this.picker.pick(rng.nextFloat());
    let p: Prepared;
    switch (kind) {
      case 'cached':
        p = this.hot[rng.nextInt(this.hot.length)] as Prepared;
        break;
      case 'unique':
        this.fillToolValues(rng, this.randomTool(rng));
        p = this.render(this.main);
        break;
      case 'critical':
        if (this.criticalPrepared !== null) {
          p = this.criticalPrepared[rng.nextInt(this.criticalPrepared.length)] as Prepared;
          break;
        }
        this.fillToolValues(rng, this.cfg.criticalTools[rng.nextInt(this.cfg.criticalTools.length)] as string);
        p = this.render(this.main);
        break;
      case 'server':
        p = this.nextServerRequest(rng);
        break;
    }
    return { seq: this.seq++, kind, method: p.method, path: p.path, body: p.body };
  }

  private nextServerRequest(rng: Xoshiro128): Prepared {
    if (this.analytics !== null && rng.nextFloat() < this.cfg.analyticsShare) return this.analytics;
    const v = this.values;
    v.user = idAt(this.cfg.userIds, rng.nextInt(this.userCount));
    v.server = idAt(this.cfg.serverIds, rng.nextInt(this.serverCount));
    v.tool = this.randomTool(rng);
    v.action = pickOne(rng, this.cfg.serverActions);
    return this.render(this.server);
  }

  private randomTool(rng: Xoshiro128): string {
    return idAt(this.cfg.toolIds, rng.nextInt(this.toolCount));
  }

  private fillToolValues(rng: Xoshiro128, tool: string): void {
    const v = this.values;
    v.user = idAt(this.cfg.userIds, rng.nextInt(this.userCount));
    v.tool = tool;
    v.server = idAt(this.cfg.serverIds, rng.nextInt(this.serverCount));
    v.action = pickOne(rng, this.cfg.actions);
  }

  private render(t: CompiledTemplate): Prepared {
    return { method: t.method, path: t.path.render(this.values), body: t.body === null ? null : t.body.render(this.values) };
  }
}

function pickOne(rng: Xoshiro128, list: readonly string[]): string {
  return list.length === 1 ? (list[0] as string) : (list[rng.nextInt(list.length)] as string);
}

function analyticsRequest(endMs: number, windowS: number): Prepared {
  const from = encodeURIComponent(new Date(endMs - windowS * 1000).toISOString());
  const to = encodeURIComponent(new Date(endMs).toISOString());
  return { method: 'GET', path: `${ANALYTICS_PATH}?from=${from}&to=${to}`, body: null };
}

/** An endless iterator over the sequence of a config. */
export function* requestSequence(config: LoadConfig): Generator<PlannedRequest, never, undefined> {
  const planner = new RequestPlanner(config);
  for (;;) yield planner.next();
}

/** The first n requests of a config's sequence. */
export function generateRequestSequence(config: LoadConfig, n: number): PlannedRequest[] {
  const planner = new RequestPlanner(config);
  const out: PlannedRequest[] = new Array<PlannedRequest>(n);
  for (let i = 0; i < n; i++) out[i] = planner.next();
  return out;
}

/** Counts of each kind in a list of requests (tests, reports). */
export function countKinds(requests: Iterable<{ kind: RequestKind }>): Record<RequestKind, number> {
  const counts: Record<RequestKind, number> = { cached: 0, unique: 0, critical: 0, server: 0 };
  for (const r of requests) counts[r.kind]++;
  return counts;
}
