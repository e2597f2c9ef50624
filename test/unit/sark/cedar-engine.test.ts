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
