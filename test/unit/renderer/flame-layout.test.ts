import { describe, expect, it } from 'vitest';
import type { SessionReport } from '../../../core/api/types.js';
import { layoutFlame, MAX_FLAME_RECTS, MIN_FLAME_SHARE, nodeAt } from '../../../renderer/src/charts/flame-layout.js';

type Node = SessionReport['call_tree'][number];
const n = (name: string, totalMs: number, children: Node[] = []): Node => ({ name, calls: 1, total_ms: totalMs, self_ms: totalMs - children.reduce((s, c) => s + c.total_ms, 0), children });

describe('flame graph layout', () => {
  const tree = [n('http_request', 80, [n('evaluate_policy', 60, [n('redis.get', 20)]), n('audit.log', 15)]), n('analytics', 20)];

  it('gives each frame a width proportional to its total time and places children inside their parent', () => {
    const { rects, depth, totalMs } = layoutFlame(tree);
    expect(totalMs).toBe(100);
    expect(depth).toBe(3);
    const at = (p: string) => rects.find((r) => r.path === p);
    expect(at('http_request')).toMatchObject({ x: 0, w: 0.8, depth: 0 });
    expect(at('analytics')).toMatchObject({ x: 0.8, w: 0.2, depth: 0 });
    expect(at('http_request;audit.log')).toMatchObject({ x: 0.6, depth: 1 });
    expect(at('http_request;evaluate_policy;redis.get')?.w).toBeCloseTo(0.2);
  });

  it('drops frames too narrow to see and caps the number of frames', () => {
    const tiny = [n('root', 1_000_000, [n('visible', 999_000), n('invisible', 1_000_000 * MIN_FLAME_SHARE * 0.5)])];
    expect(layoutFlame(tiny).rects.map((r) => r.node.name)).not.toContain('invisible');
    const wide = [n('root', 1e6, Array.from({ length: MAX_FLAME_RECTS * 2 }, (_, i) => n(`f${i}`, 1e6 / (MAX_FLAME_RECTS * 2))))];
    expect(layoutFlame(wide).rects.length).toBeLessThanOrEqual(MAX_FLAME_RECTS);
  });

  it('finds the node to zoom into by its path', () => {
    expect(nodeAt(tree, 'http_request;evaluate_policy')?.total_ms).toBe(60);
    expect(nodeAt(tree, 'http_request;nope')).toBeNull();
  });

  it('lays out nothing for an empty tree', () => {
    expect(layoutFlame([])).toEqual({ rects: [], depth: 0, totalMs: 0 });
  });
});
