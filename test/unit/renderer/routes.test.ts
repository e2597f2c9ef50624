import { describe, expect, it } from 'vitest';
import { comparePath, parseRoute, sessionPath } from '../../../renderer/src/app/routes.js';

describe('UI routes', () => {
  it('opens the sessions list by default and for unknown paths', () => {
    expect(parseRoute('')).toEqual({ page: 'sessions' });
    expect(parseRoute('#/nowhere')).toEqual({ page: 'sessions' });
  });

  it('round-trips session and compare links, ids with odd characters included', () => {
    const id = 's-2026/11 26';
    expect(parseRoute(`#${sessionPath(id, 'queries')}`)).toEqual({ page: 'session', id, tab: 'queries' });
    expect(parseRoute(`#${sessionPath(id)}`)).toEqual({ page: 'session', id, tab: 'overview' });
    expect(parseRoute(`#${comparePath('a&b', 'c')}`)).toEqual({ page: 'compare', baseline: 'a&b', candidate: 'c' });
    expect(parseRoute('#/compare')).toEqual({ page: 'compare', baseline: null, candidate: null });
  });

  it('routes a recording to its live page', () => {
    expect(parseRoute('#/recording/abc')).toEqual({ page: 'recording', id: 'abc' });
  });
});
