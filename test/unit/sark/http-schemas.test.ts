import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../core/sark/http/http-error.js';
import { parseAnalyticsWindow, parseBatch, parseEvaluate, parseInvalidate } from '../../../core/sark/http/schemas.js';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(400);
    return (err as HttpError).message;
  }
  throw new Error('expected a 400');
}

describe('request validation', () => {
  it('accepts a tool or a server evaluation', () => {
    expect(parseEvaluate({ user_id: 'user-1', tool_id: 'tool-2', action: 'invoke', context: { mfa: true } })).toMatchObject({ tool_id: 'tool-2' });
    expect(parseEvaluate({ user_id: 'user-1', server_id: 'server-2', action: 'connect' })).toMatchObject({ server_id: 'server-2' });
  });

  it('says what is wrong in one line', () => {
    expect(message(() => parseEvaluate({ user_id: 5, tool_id: 'tool-1', action: 'invoke' }))).toMatch(/^user_id: /);
    expect(message(() => parseEvaluate({ user_id: 'user-1', action: 'invoke' }))).toBe('give exactly one of tool_id and server_id');
    expect(message(() => parseEvaluate({ user_id: 'user-1', tool_id: 't', server_id: 's', action: 'invoke' }))).toBe('give exactly one of tool_id and server_id');
    expect(message(() => parseEvaluate([]))).toMatch(/expected object/);
    expect(message(() => parseEvaluate({ user_id: 'user-1', tool_id: 'tool-1', action: 'invoke', context: 'x' }))).toMatch(/^context: /);
  });

  it('refuses glob and separator characters in ids (they end up in cache keys and SCAN patterns)', () => {
    for (const bad of ['user-*', 'user:1', 'user?', 'user[1]', '', 'x'.repeat(129)]) {
      expect(message(() => parseEvaluate({ user_id: bad, tool_id: 'tool-1', action: 'invoke' }))).toMatch(/^user_id: /);
    }
  });

  it('bounds batches', () => {
    expect(message(() => parseBatch({ requests: [] }))).toMatch(/must not be empty/);
    const many = Array.from({ length: 501 }, () => ({ user_id: 'user-1', tool_id: 'tool-1', action: 'invoke' }));
    expect(message(() => parseBatch({ requests: many }))).toMatch(/at most 500/);
    expect(message(() => parseBatch({ requests: [{ user_id: 'user-1', action: 'invoke' }] }))).toMatch(/^requests\.0: give exactly one/);
  });

  it('knows the invalidation triggers', () => {
    expect(parseInvalidate({ trigger: 'policy_update' })).toEqual({ trigger: 'policy_update' });
    expect(message(() => parseInvalidate({ trigger: 'everything' }))).toMatch(/trigger must be one of user_role_change/);
    expect(message(() => parseInvalidate({ trigger: 'user_role_change' }))).toMatch(/^user_id: /);
  });

  it('reads analytics windows', () => {
    const w = parseAnalyticsWindow(new URLSearchParams('from=2025-10-01T00:00:00Z&to=2025-10-02T00:00:00Z'));
    expect(w.to.getTime() - w.from.getTime()).toBe(86_400_000);
    const d = parseAnalyticsWindow(new URLSearchParams(''), Date.parse('2025-10-02T00:00:00Z'));
    expect(d.from.toISOString()).toBe('2025-10-01T00:00:00.000Z');
    expect(message(() => parseAnalyticsWindow(new URLSearchParams('from=yesterday')))).toMatch(/^from must be an ISO 8601/);
    expect(message(() => parseAnalyticsWindow(new URLSearchParams('from=2025-10-03&to=2025-10-02')))).toBe('from must not be after to');
  });
});
