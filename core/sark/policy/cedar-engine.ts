import type * as CedarWasm from '@cedar-policy/cedar-wasm/nodejs';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { WorkbenchError } from '../../common/errors.js';
import { resourcePath } from '../../common/paths.js';
import type { Role, Sensitivity } from '../dataset.js';

/**
 * The policy engine: Cedar (@cedar-policy/cedar-wasm). The policy set is parsed once
 * (`preparsePolicySet`) and every decision calls `statefulIsAuthorized`, ~0.08 ms, instead of
 * `isAuthorized`, which re-parses the text each call (~0.3 ms; VERIFIED.md).
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

interface CedarValueRef {
  __entity: { type: string; id: string };
}

export class CedarEngine {
  private constructor(
    private readonly policySetId: string,
    private readonly reasons: ReadonlyMap<string, string>,
    readonly policyIds: readonly string[],
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
    parts.policies.forEach((policy, i) => {
      const json = c.policyToJson(policy);
      const annotations = json.type === 'success' ? (json.json.annotations ?? {}) : {};
      const id = annotations.id ?? `policy${i}`;
      if (policies[id] !== undefined) throw new WorkbenchError(`duplicate Cedar policy @id("${id}") in ${origin}`);
      policies[id] = policy;
      reasons.set(id, annotations.reason ?? id);
    });
    const setId = `sark-${nextPolicySetId++}`;
    const parsed = c.preparsePolicySet(setId, { staticPolicies: policies });
    if (parsed.type !== 'success') throw new WorkbenchError(`invalid Cedar policies in ${origin}: ${parsed.errors.map((e) => e.message).join('; ')}`);
    return new CedarEngine(setId, reasons, Object.keys(policies));
  }

  evaluate(q: PolicyQuery): PolicyDecision {
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
