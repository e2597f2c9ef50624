import { describe, expect, it } from 'vitest';
import {
  ANALYTICS_PATH,
  countKinds,
  generateRequestSequence,
  parseLoadConfig,
  requestSequence,
  type PlannedRequest,
} from '../../../core/load/index.js';

const NOW_MS = Date.UTC(2025, 10, 1, 12, 0, 0);

function config(extra: Record<string, unknown> = {}) {
  return parseLoadConfig({ target: 'http://127.0.0.1:9', ...extra }, NOW_MS);
}

function bodyOf(r: PlannedRequest): Record<string, string> {
  return JSON.parse(r.body ?? 'null') as Record<string, string>;
}

describe('request sequence', () => {
  it('is the same for the same seed and config, and differs for another seed', () => {
    const a = generateRequestSequence(config({ seed: 42 }), 2000);
    const b = generateRequestSequence(config({ seed: 42 }), 2000);
    const c = generateRequestSequence(config({ seed: 43 }), 2000);
    expect(b).toEqual(a);
    const same = a.filter((r, i) => r.path === c[i]?.path && r.body === c[i]?.body).length;
    // Two independent streams agree only where both drew the same hot pair or analytics query.
    expect(same).toBeLessThan(a.length / 2);
    expect(a.map((r) => r.seq)).toEqual([...Array(2000).keys()]);
  });

  it('the iterator yields the same requests as the array form', () => {
    const cfg = config({ seed: 7 });
    const it = requestSequence(cfg);
    const fromIt = Array.from({ length: 500 }, () => it.next().value);
    expect(fromIt).toEqual(generateRequestSequence(cfg, 500));
  });

  it('follows the default mix 50/30/15/5 within 1 point over 100,000 requests', () => {
    const n = 100_000;
    const counts = countKinds(generateRequestSequence(config({ seed: 3 }), n));
    expect(counts.cached / n).toBeCloseTo(0.5, 1);
    expect(Math.abs(counts.cached / n - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(counts.unique / n - 0.3)).toBeLessThan(0.01);
    expect(Math.abs(counts.critical / n - 0.15)).toBeLessThan(0.01);
    expect(Math.abs(counts.server / n - 0.05)).toBeLessThan(0.01);
  });

  it('follows a custom mix given in the CLI form, and never picks a kind of weight 0', () => {
    const n = 50_000;
    const counts = countKinds(generateRequestSequence(config({ mix: 'cached=20,unique=80' }), n));
    expect(counts.critical).toBe(0);
    expect(counts.server).toBe(0);
    expect(Math.abs(counts.unique / n - 0.8)).toBeLessThan(0.01);
  });

  it('draws cached requests from the hot set, critical ones from the critical list', () => {
    const cfg = config({ seed: 11, requests: { hotSetSize: 25, criticalTools: ['tool-7', 'tool-99'] } });
    const seq = generateRequestSequence(cfg, 20_000);
    const hotBodies = new Set(seq.filter((r) => r.kind === 'cached').map((r) => r.body));
    expect(hotBodies.size).toBeLessThanOrEqual(25);
    expect(hotBodies.size).toBeGreaterThan(15);
    const criticalTools = new Set(seq.filter((r) => r.kind === 'critical').map((r) => bodyOf(r).tool_id));
    expect([...criticalTools].sort()).toEqual(['tool-7', 'tool-99']);
    // Unique requests spread over the whole user x tool space: almost no repeats.
    const unique = seq.filter((r) => r.kind === 'unique').map((r) => r.body);
    expect(new Set(unique).size).toBeGreaterThan(unique.length * 0.95);
  });

  it('sends SARK evaluate bodies with ids from the configured ranges', () => {
    const cfg = config({ requests: { userIds: 'u-10..12', toolIds: 'tool-1..3', actions: ['tool:invoke', 'tool:read'] } });
    for (const r of generateRequestSequence(cfg, 2000)) {
      if (r.method === 'GET') continue;
      expect(r.method).toBe('POST');
      expect(r.path).toBe('/api/v1/policy/evaluate');
      const body = bodyOf(r);
      expect(['u-10', 'u-11', 'u-12']).toContain(body.user_id);
      expect(['tool:invoke', 'tool:read', 'server:read']).toContain(body.action);
      if (r.kind === 'server') expect(body.server_id).toMatch(/^server-\d+$/);
      else expect(['tool-1', 'tool-2', 'tool-3']).toContain(body.tool_id);
    }
  });

  it('makes ~20% of server operations the audit analytics query over a recent window', () => {
    const seq = generateRequestSequence(config({ seed: 5, mix: 'server=1' }), 20_000);
    const analytics = seq.filter((r) => r.method === 'GET');
    expect(Math.abs(analytics.length / seq.length - 0.2)).toBeLessThan(0.02);
    const url = new URL(`http://x${analytics[0]?.path}`);
    expect(url.pathname).toBe(ANALYTICS_PATH);
    expect(Date.parse(url.searchParams.get('to') ?? '')).toBe(NOW_MS);
    expect(Date.parse(url.searchParams.get('from') ?? '')).toBe(NOW_MS - 3600_000);
    expect(analytics[0]?.body).toBeNull();
  });

  it('fills an external template from the id ranges', () => {
    const cfg = config({
      requests: {
        template: { method: 'post', path: '/authz/{{user}}?tool={{tool}}', body: '{"who":"{{user}}","srv":"{{server}}"}' },
        userIds: { prefix: 'acct_', first: 100, last: 100 },
      },
    });
    expect(cfg.requests.source).toBe('template');
    const [r] = generateRequestSequence(cfg, 1);
    expect(r?.method).toBe('POST');
    expect(r?.path).toMatch(/^\/authz\/acct_100\?tool=tool-\d+$/);
    expect(bodyOf(r as PlannedRequest)).toMatchObject({ who: 'acct_100' });
  });
});

describe('target-given pairs', () => {
  it('draws cached requests from the hot pairs and critical ones from the critical pairs, with their context', () => {
    const hotPairs = [
      { user: 'user-1', tool: 'tool-2', action: 'invoke' },
      { user: 'user-3', tool: 'tool-4', action: 'read' },
    ];
    const criticalPairs = [{ user: 'user-9', tool: 'tool-99', action: 'invoke', context: { mfa: true } }];
    const cfg = parseLoadConfig({ target: 'http://127.0.0.1:1', seed: 5, requests: { hotPairs, criticalPairs } });
    const reqs = generateRequestSequence(cfg, 2000);
    const bodies = (kind: string) => new Set(reqs.filter((r) => r.kind === kind).map((r) => r.body));
    expect(bodies('cached')).toEqual(new Set(hotPairs.map((p) => JSON.stringify({ user_id: p.user, action: p.action, tool_id: p.tool }))));
    expect([...bodies('critical')]).toEqual([JSON.stringify({ user_id: 'user-9', action: 'invoke', tool_id: 'tool-99', context: { mfa: true } })]);
    // The resolved config round-trips (it is stored with the session).
    expect(parseLoadConfig(JSON.parse(JSON.stringify(cfg)))).toEqual(cfg);
  });
});
