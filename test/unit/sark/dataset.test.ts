import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/common/errors.js';
import { datasetHash } from '../../../core/sark/dataset-hash.js';
import { datasetTool, datasetUser, describeDataset, entityIndex, resolveDataset } from '../../../core/sark/dataset.js';

describe('data set description', () => {
  it('is a deterministic function of seed and sizes', () => {
    const a = describeDataset({ seed: 7 });
    const b = describeDataset({ seed: 7 });
    const c = describeDataset({ seed: 8 });
    expect(a).toEqual(b);
    expect(a.criticalTools).not.toEqual(c.criticalTools);
    expect(a.key).not.toBe(c.key);
  });

  it('describes the default data set of the issue (5,000 users, 200 teams, 2,000 tools)', () => {
    const d = describeDataset();
    expect(d.counts).toEqual({ users: 5000, teams: 200, tools: 2000, servers: 100 });
    const all = Object.values(d.toolsBySensitivity).flat();
    expect(new Set(all).size).toBe(2000);
    // Realistic proportions: most tools public or internal, a tenth critical (+-3 points).
    expect(d.toolsBySensitivity.public.length / 2000).toBeCloseTo(0.4, 1);
    expect(d.toolsBySensitivity.critical.length / 2000).toBeGreaterThan(0.07);
    expect(d.toolsBySensitivity.critical.length / 2000).toBeLessThan(0.13);
    expect(d.usersByRole.admin.length).toBeGreaterThan(250);
    expect(d.hotPairs).toHaveLength(1000);
    expect(d.criticalPairs).toHaveLength(200);
    for (const p of d.criticalPairs) {
      expect(d.usersByRole.admin).toContain(p.user_id);
      expect(d.criticalTools).toContain(p.tool_id);
    }
    expect(d.auditHistory.to > d.analyticsWindow.to).toBe(true);
  });

  it('shares every tool with 3-8 teams, so a team-by-team check is an N+1', () => {
    const ds = resolveDataset();
    const counts = Array.from({ length: 2000 }, (_, i) => datasetTool(ds, i + 1).teams.length);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...counts)).toBeLessThanOrEqual(8);
    // Most tools have at least the detector's default threshold of 5 teams.
    expect(counts.filter((n) => n >= 5).length / counts.length).toBeGreaterThan(0.5);
    const user = datasetUser(ds, 1);
    expect(user.teams.length).toBeGreaterThanOrEqual(1);
  });

  it('hashes with 32-bit arithmetic that Postgres reproduces (known values)', () => {
    // The same inputs give these values in SQL (checked against a real server in test/integration/sark).
    expect(datasetHash(0, 0, 0)).toBe(0);
    const v = datasetHash(6, 123, 1);
    expect(Number.isInteger(v) && v >= 0 && v < 2 ** 32).toBe(true);
    expect(datasetHash(6, 123, 1)).toBe(v);
  });

  it('rejects bad sizes and seeds with a UsageError', () => {
    expect(() => resolveDataset({ seed: -1 })).toThrow(UsageError);
    expect(() => resolveDataset({ sizes: { users: 0 } })).toThrow(/users/);
    expect(() => resolveDataset({ sizes: { bogus: 1 } as never })).toThrow(/unknown dataset size/);
  });

  it('sizes audit history by storage, and the key says so', () => {
    expect(resolveDataset({ storage: 'postgres' }).sizes.auditRows).toBeGreaterThan(resolveDataset({ storage: 'embedded' }).sizes.auditRows);
    expect(resolveDataset({ sizes: { auditRows: 10 } }).key).toContain('a10');
  });

  it('parses ids only inside the data set', () => {
    expect(entityIndex('tool-12', 'tool', 100)).toBe(12);
    expect(entityIndex('tool-0', 'tool', 100)).toBeUndefined();
    expect(entityIndex('tool-101', 'tool', 100)).toBeUndefined();
    expect(entityIndex('user-1', 'tool', 100)).toBeUndefined();
  });
});
