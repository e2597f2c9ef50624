import type * as CedarWasm from '@cedar-policy/cedar-wasm/nodejs';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { WorkbenchError } from '../../common/errors.js';
import { resourcePath } from '../../common/paths.js';
import type { Role, Sensitivity } from '../dataset.js';

/**
 * The policy engine: Cedar (@cedar-policy/cedar-wasm). The policy set is parsed once
 * (`preparsePolicySet`) and every decision calls `statefulIsAuthorized` instead of
 * `isAuthorized`, which re-parses the text each call (VERIFIED.md).
 *
 * Most of a call's cost is Cedar parsing the entities' attributes (~30 µs per team reference on
 * this machine, ~0.35 ms for a tool shared with five teams). So decisions are memoized by their
 * *shape*: when no policy names a specific User, Team, Tool or Server (checked once, at load)
 * and the context holds only primitive values, a decision cannot depend on which user or tool it
 * is, only on their attributes and on how many of the resource's teams the user belongs to.
 * Such a query is evaluated with canonical ids (User::"u", Team::"m0"...) and the answer kept
 * under its shape; there are a few hundred shapes in the SARK data set, so nearly every
 * decision after the first seconds is a memo hit. Exact by construction: a hit returns what Cedar
 * answered for the same canonical query.
 */

const require = createRequire(import.meta.url);

/**
 * Node 20's V8 (11.3) can abort the process ("Fatal error ... unreachable code" in
 * Deoptimizer::DoComputeBuiltinContinuation) when TurboFan has inlined the JS->Wasm call into
 * statefulIsAuthorized and a lazy deopt of the caller happens while Cedar runs: we hit it under
 * load in the embedded server, with --trace-deopt-verbose showing the "JS to Wasm builtin
 * continuation frame" of evaluate(). Not inlining JS->Wasm calls avoids that frame kind; the
 * cost is a regular call per decision. Set before Cedar's code is first optimized.
 */
setFlagsFromString('--no-turbo-inline-js-wasm-calls');
type CedarModule = typeof CedarWasm;
let cedarModule: CedarModule | undefined;
function cedar(): CedarModule {
  cedarModule ??= require('@cedar-policy/cedar-wasm/nodejs') as CedarModule;
  return cedarModule;
}

export const DEFAULT_POLICY_FILE = 'sark.cedar';

export interface PolicySubject {
  id: string;
  active: boolean;
  role: Role;
}

export interface PolicyResource {
  type: 'Tool' | 'Server';
  id: string;
  sensitivity: Sensitivity;
  /** Teams the resource is shared with (a server: its owner team). */
  teams: readonly string[];
}

export interface PolicyQuery {
  user: PolicySubject;
  /** The resource's teams the user is a member of. */
  memberTeams: readonly string[];
  resource: PolicyResource;
  action: string;
  context: Record<string, unknown>;
}

export interface PolicyDecision {
  allow: boolean;
  reason: string;
  /** Ids of the determining policies (empty for the default deny). */
  policies: string[];
}

/** Why a request was denied when no policy permits it, by sensitivity (mirrors sark.cedar). */
const DEFAULT_DENY_HINT: Record<Sensitivity, string> = {
  public: 'public resources allow invoke, read, list and connect',
  internal: "internal resources require membership in one of the resource's teams",
  confidential: "confidential resources require a developer or admin role in one of the resource's teams",
  critical: 'critical resources require an admin with MFA (context.mfa = true)',
};

let nextPolicySetId = 1;

/** Entries kept in the decision memo; past this it starts again (client contexts are unbounded). */
const MEMO_LIMIT = 10_000;

/**
 * Whether a policy (Cedar's JSON form) names an entity other than an action: `principal ==
 * User::"alice"`, `resource in Team::"t"`, `context.owner == Tool::"x"`... Such a policy can tell
 * entities apart by id, so decisions cannot be memoized by shape. Conservative: anything that
 * looks like an entity reference counts.
 */
export function namesEntities(json: unknown): boolean {
  if (Array.isArray(json)) return json.some(namesEntities);
  if (json === null || typeof json !== 'object') return false;
  const o = json as Record<string, unknown>;
  if (typeof o.type === 'string' && typeof o.id === 'string' && o.type !== 'Action' && !o.type.endsWith('::Action')) return true;
  return Object.values(o).some(namesEntities);
}

function primitiveContext(context: Record<string, unknown>): boolean {
  for (const k in context) {
    const v = context[k];
    if (v !== null && typeof v === 'object') return false;
  }
  return true;
}

interface CedarValueRef {
  __entity: { type: string; id: string };
}

export class CedarEngine {
  private readonly memo = new Map<string, PolicyDecision>();
  /** Decisions answered from the memo, and those that called Cedar. */
  readonly memoStats = { hits: 0, evaluations: 0 };

  private constructor(
    private readonly policySetId: string,
    private readonly reasons: ReadonlyMap<string, string>,
    readonly policyIds: readonly string[],
    /** No policy names a specific entity: decisions may be memoized by shape. */
    readonly memoizable: boolean,
  ) {}

  /** Loads and pre-parses a policy file from resources/policies. */
  static load(file = DEFAULT_POLICY_FILE): CedarEngine {
    const path = resourcePath('policies', file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new WorkbenchError(`cannot read the Cedar policies at ${path}: ${(err as Error).message}`);
    }
    return CedarEngine.fromText(text, path);
  }

  static fromText(text: string, origin = 'policy text'): CedarEngine {
    const c = cedar();
    const parts = c.policySetTextToParts(text);
    if (parts.type !== 'success') throw new WorkbenchError(`invalid Cedar policies in ${origin}: ${parts.errors.map((e) => e.message).join('; ')}`);
    const policies: Record<string, string> = {};
    const reasons = new Map<string, string>();
    let memoizable = true;
    parts.policies.forEach((policy, i) => {
      const json = c.policyToJson(policy);
      if (json.type !== 'success' || namesEntities({ ...json.json, annotations: undefined })) memoizable = false;
      const annotations = json.type === 'success' ? (json.json.annotations ?? {}) : {};
      const id = annotations.id ?? `policy${i}`;
      if (policies[id] !== undefined) throw new WorkbenchError(`duplicate Cedar policy @id("${id}") in ${origin}`);
      policies[id] = policy;
      reasons.set(id, annotations.reason ?? id);
    });
    const setId = `sark-${nextPolicySetId++}`;
    const parsed = c.preparsePolicySet(setId, { staticPolicies: policies });
    if (parsed.type !== 'success') throw new WorkbenchError(`invalid Cedar policies in ${origin}: ${parsed.errors.map((e) => e.message).join('; ')}`);
    return new CedarEngine(setId, reasons, Object.keys(policies), memoizable);
  }

  /** A decision: from the memo when the query's shape has been seen, else from Cedar. */
  evaluate(q: PolicyQuery): PolicyDecision {
    if (!this.memoizable || !primitiveContext(q.context)) return this.evaluateWithCedar(q);
    const teams = new Set(q.resource.teams);
    let member = 0;
    let other = 0;
    for (const t of new Set(q.memberTeams)) {
      if (teams.has(t)) member++;
      else other++;
    }
    const outside = teams.size - member;
    const { user, resource } = q;
    const key = `${resource.type}|${resource.sensitivity}|${q.action}|${String(user.active)}|${user.role}|${member}|${outside}|${other}|${JSON.stringify(q.context)}`;
    const known = this.memo.get(key);
    if (known !== undefined) {
      this.memoStats.hits++;
      return known;
    }
    // The same query with canonical ids: member teams m0.., the resource's other teams x0..,
    // the user's teams outside the resource p0...
    const m = Array.from({ length: member }, (_, i) => `m${i}`);
    const canonical: PolicyQuery = {
      user: { id: 'u', active: user.active, role: user.role },
      memberTeams: [...m, ...Array.from({ length: other }, (_, i) => `p${i}`)],
      resource: { type: resource.type, id: 'r', sensitivity: resource.sensitivity, teams: [...m, ...Array.from({ length: outside }, (_, i) => `x${i}`)] },
      action: q.action,
      context: q.context,
    };
    const decision = this.evaluateWithCedar(canonical);
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(key, decision);
    return decision;
  }

  /** A decision straight from Cedar, with the query's own ids (no memo). */
  evaluateWithCedar(q: PolicyQuery): PolicyDecision {
    this.memoStats.evaluations++;
    const teamRef = (id: string): CedarValueRef => ({ __entity: { type: 'Team', id } });
    const answer = cedar().statefulIsAuthorized({
      principal: { type: 'User', id: q.user.id },
      action: { type: 'Action', id: q.action },
      resource: { type: q.resource.type, id: q.resource.id },
      context: q.context as Record<string, never>,
      preparsedPolicySetId: this.policySetId,
      entities: [
        {
          uid: { type: 'User', id: q.user.id },
          attrs: { active: q.user.active, role: q.user.role },
          parents: q.memberTeams.map((id) => ({ type: 'Team', id })),
        },
        {
          uid: { type: q.resource.type, id: q.resource.id },
          attrs: { sensitivity: q.resource.sensitivity, teams: q.resource.teams.map(teamRef) },
          parents: [],
        },
      ],
    });
    if (answer.type !== 'success') {
      // Fail closed: a request Cedar cannot evaluate (e.g. a context value of an unsupported shape) is denied.
      return { allow: false, reason: `denied: the request could not be evaluated (${answer.errors.map((e) => e.message).join('; ')})`, policies: [] };
    }
    const { decision, diagnostics } = answer.response;
    const ids = diagnostics.reason;
    if (decision === 'allow') {
      return { allow: true, reason: `allowed by ${ids.join(', ')}: ${ids.map((id) => this.reasons.get(id) ?? id).join('; ')}`, policies: ids };
    }
    if (ids.length > 0) {
      return { allow: false, reason: `denied by ${ids.join(', ')}: ${ids.map((id) => this.reasons.get(id) ?? id).join('; ')}`, policies: ids };
    }
    return { allow: false, reason: `denied: no policy permits '${q.action}' here; ${DEFAULT_DENY_HINT[q.resource.sensitivity]}`, policies: [] };
  }
}
