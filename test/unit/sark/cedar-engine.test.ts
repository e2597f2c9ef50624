import { describe, expect, it } from 'vitest';
import { CedarEngine, type PolicyQuery } from '../../../core/sark/policy/cedar-engine.js';
import { WorkbenchError } from '../../../core/common/errors.js';

const engine = CedarEngine.load();

function q(over: Partial<PolicyQuery> & { sensitivity?: PolicyQuery['resource']['sensitivity'] }): PolicyQuery {
  return {
    user: { id: 'user-1', active: true, role: 'viewer', ...over.user },
    memberTeams: over.memberTeams ?? [],
    resource: { type: 'Tool', id: 'tool-1', sensitivity: over.sensitivity ?? 'public', teams: ['team-1', 'team-2'], ...over.resource },
    action: over.action ?? 'invoke',
    context: over.context ?? {},
  };
}

describe('Cedar policies (resources/policies/sark.cedar)', () => {
  it('public: any active user', () => {
    expect(engine.evaluate(q({})).allow).toBe(true);
    const inactive = engine.evaluate(q({ user: { id: 'user-1', active: false, role: 'admin' } }));
    expect(inactive).toMatchObject({ allow: false, policies: ['inactive-user'] });
  });

  it('internal: a member of one of the tool teams', () => {
    expect(engine.evaluate(q({ sensitivity: 'internal' })).allow).toBe(false);
    const allowed = engine.evaluate(q({ sensitivity: 'internal', memberTeams: ['team-2'] }));
    expect(allowed).toMatchObject({ allow: true, policies: ['internal-team-member'] });
    expect(allowed.reason).toMatch(/^allowed by internal-team-member/);
  });

  it('confidential: a developer or admin in one of the teams', () => {
    expect(engine.evaluate(q({ sensitivity: 'confidential', memberTeams: ['team-1'] })).allow).toBe(false);
    expect(engine.evaluate(q({ sensitivity: 'confidential', memberTeams: ['team-1'], user: { id: 'u', active: true, role: 'developer' } })).allow).toBe(true);
    const outsider = engine.evaluate(q({ sensitivity: 'confidential', user: { id: 'u', active: true, role: 'admin' } }));
    expect(outsider.allow).toBe(false);
    expect(outsider.reason).toMatch(/developer or admin role/);
  });

  it('critical: an admin with MFA in the context', () => {
    const admin = { id: 'u', active: true, role: 'admin' as const };
    expect(engine.evaluate(q({ sensitivity: 'critical', user: admin })).allow).toBe(false);
    expect(engine.evaluate(q({ sensitivity: 'critical', user: admin, context: { mfa: false } })).allow).toBe(false);
    expect(engine.evaluate(q({ sensitivity: 'critical', user: admin, context: { mfa: true } })).allow).toBe(true);
    expect(engine.evaluate(q({ sensitivity: 'critical', user: { ...admin, role: 'developer' }, context: { mfa: true } })).allow).toBe(false);
  });

  it('denies unknown actions, and managing a server takes an admin of its owner team', () => {
    expect(engine.evaluate(q({ action: 'delete' })).allow).toBe(false);
    const server = { type: 'Server' as const, id: 'server-1', sensitivity: 'public' as const, teams: ['team-1'] };
    const admin = { id: 'u', active: true, role: 'admin' as const };
    expect(engine.evaluate(q({ resource: server, action: 'manage', user: admin, memberTeams: ['team-1'] })).allow).toBe(true);
    expect(engine.evaluate(q({ resource: server, action: 'manage', user: admin })).allow).toBe(false);
    expect(engine.evaluate(q({ resource: server, action: 'connect' })).allow).toBe(true);
  });

  it('fails closed on a context Cedar cannot take', () => {
    const d = engine.evaluate(q({ context: { mfa: 1.5 } }));
    expect(d.allow).toBe(false);
  });

  it('rejects invalid policy text with a clear error', () => {
    expect(() => CedarEngine.fromText('permit (principal, action, resource) when { ', 'bad.cedar')).toThrow(WorkbenchError);
  });
});

describe('decision memo (by shape)', () => {
  const sensitivities = ['public', 'internal', 'confidential', 'critical'] as const;
  const roles = ['viewer', 'developer', 'admin'] as const;
  const actions = ['invoke', 'read', 'connect', 'manage', 'delete'];
  const contexts: Record<string, unknown>[] = [{}, { mfa: true }, { mfa: false }, { mfa: 'yes' }, { ip: '10.0.0.1', mfa: true }];

  /** A seeded pseudo-random query over the whole input space, team lists included. */
  function randomQuery(rnd: () => number): PolicyQuery {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const teams = Array.from({ length: Math.floor(rnd() * 6) }, () => `team-${1 + Math.floor(rnd() * 12)}`);
    const memberTeams = teams.filter(() => rnd() < 0.4);
    if (rnd() < 0.2) memberTeams.push(`team-${20 + Math.floor(rnd() * 3)}`);
    return {
      user: { id: `user-${Math.floor(rnd() * 1000)}`, active: rnd() < 0.9, role: pick(roles) },
      memberTeams,
      resource: { type: rnd() < 0.8 ? 'Tool' : 'Server', id: `r-${Math.floor(rnd() * 1000)}`, sensitivity: pick(sensitivities), teams },
      action: pick(actions),
      context: pick(contexts),
    };
  }

  it('gives exactly what Cedar gives with the real ids, over 3,000 random queries', () => {
    const memoized = CedarEngine.load();
    expect(memoized.memoizable).toBe(true);
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let allowed = 0;
    for (let i = 0; i < 3000; i++) {
      const query = randomQuery(rnd);
      const direct = memoized.evaluateWithCedar(query);
      expect(memoized.evaluate(query), JSON.stringify(query)).toEqual(direct);
      if (direct.allow) allowed++;
    }
    // Both outcomes were exercised, and most decisions came from the memo.
    expect(allowed).toBeGreaterThan(300);
    expect(allowed).toBeLessThan(2700);
    expect(memoized.memoStats.hits).toBeGreaterThan(1500);
  });

  it('is off for policies that name a specific entity, which can tell users apart by id', () => {
    const named = CedarEngine.fromText(
      '@id("alice") permit (principal == User::"alice", action, resource);\n@id("team") permit (principal in Team::"t1", action == Action::"read", resource);',
    );
    expect(named.memoizable).toBe(false);
    const alice = q({ user: { id: 'alice', active: true, role: 'viewer' }, sensitivity: 'critical' });
    expect(named.evaluate(alice).allow).toBe(true);
    expect(named.evaluate({ ...alice, user: { ...alice.user, id: 'bob' } }).allow).toBe(false);
    // An entity literal in a condition counts too; actions alone do not.
    expect(CedarEngine.fromText('permit (principal, action, resource) when { resource.owner == User::"x" };').memoizable).toBe(false);
    expect(CedarEngine.fromText('permit (principal, action in [Action::"read"], resource);').memoizable).toBe(true);
  });

  it('is bypassed when the context carries an entity reference', () => {
    const engine = CedarEngine.fromText('@id("self") permit (principal, action, resource) when { context has owner && principal == context.owner };');
    expect(engine.memoizable).toBe(true);
    const mine = q({ user: { id: 'user-5', active: true, role: 'viewer' }, context: { owner: { __entity: { type: 'User', id: 'user-5' } } } });
    const other = q({ user: { id: 'user-6', active: true, role: 'viewer' }, context: { owner: { __entity: { type: 'User', id: 'user-5' } } } });
    expect(engine.evaluate(mine).allow).toBe(true);
    expect(engine.evaluate(other).allow).toBe(false);
  });
});
