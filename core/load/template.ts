import { UsageError } from '../common/errors.js';

/** The variables a request template may use; values come from the configured id ranges. */
export const TEMPLATE_VARIABLES = ['user', 'tool', 'server', 'action'] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

export interface RequestTemplate {
  method: string;
  /** Path and query, starting with '/'. May contain {{variables}}. */
  path: string;
  /** Body text, may contain {{variables}}; null or absent for none. */
  body?: string | null;
  headers?: Record<string, string>;
}

/** The SARK evaluate call (ARCHITECTURE.md): the default template for an external target. */
export const SARK_EVALUATE_TEMPLATE: RequestTemplate = Object.freeze({
  method: 'POST',
  path: '/api/v1/policy/evaluate',
  body: '{"user_id":"{{user}}","action":"{{action}}","tool_id":"{{tool}}"}',
});

/** Server-level evaluation: the same endpoint with `server_id` instead of `tool_id`. */
export const SARK_SERVER_EVALUATE_TEMPLATE: RequestTemplate = Object.freeze({
  method: 'POST',
  path: '/api/v1/policy/evaluate',
  body: '{"user_id":"{{user}}","action":"{{action}}","server_id":"{{server}}"}',
});

export type TemplateValues = Record<TemplateVariable, string>;

const VARIABLE = /\{\{\s*([A-Za-z_]+)\s*\}\}/g;

/**
 * A template split once into literal parts and variable slots, so filling it is a handful of
 * string concatenations (no regex on the hot path). A part without variables is returned as the
 * same string every time.
 */
export class CompiledText {
  /** Literals at even indexes, variable names at odd indexes. */
  private readonly parts: string[];
  readonly variables: ReadonlySet<TemplateVariable>;

  constructor(text: string, label: string) {
    const parts: string[] = [];
    const vars = new Set<TemplateVariable>();
    let last = 0;
    for (const m of text.matchAll(VARIABLE)) {
      const name = m[1] as string;
      if (!(TEMPLATE_VARIABLES as readonly string[]).includes(name)) {
        throw new UsageError(`${label}: unknown variable {{${name}}} (variables: ${TEMPLATE_VARIABLES.join(', ')})`);
      }
      parts.push(text.slice(last, m.index), name);
      vars.add(name as TemplateVariable);
      last = (m.index ?? 0) + m[0].length;
    }
    parts.push(text.slice(last));
    this.parts = parts;
    this.variables = vars;
  }

  render(values: TemplateValues): string {
    const p = this.parts;
    if (p.length === 1) return p[0] as string;
    let out = p[0] as string;
    for (let i = 1; i < p.length; i += 2) {
      out += values[p[i] as TemplateVariable] + (p[i + 1] as string);
    }
    return out;
  }
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export class CompiledTemplate {
  readonly method: string;
  readonly path: CompiledText;
  readonly body: CompiledText | null;
  readonly variables: ReadonlySet<TemplateVariable>;

  constructor(template: RequestTemplate, label = 'template') {
    if (!TOKEN.test(template.method)) throw new UsageError(`${label}.method: '${template.method}' is not an HTTP method`);
    if (!template.path.startsWith('/')) throw new UsageError(`${label}.path: must start with '/', got '${template.path}'`);
    this.method = template.method.toUpperCase();
    this.path = new CompiledText(template.path, `${label}.path`);
    this.body = template.body == null ? null : new CompiledText(template.body, `${label}.body`);
    this.variables = new Set([...this.path.variables, ...(this.body?.variables ?? [])]);
  }
}
