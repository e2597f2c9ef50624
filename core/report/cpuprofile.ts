import type { CallTreeNode } from '../profiling/report-types.js';

/**
 * The function profile as a V8 `.cpuprofile` (the format Chrome DevTools' Performance panel
 * and speedscope open). The session's call tree is aggregated, not sampled, so we synthesise
 * samples: each node gets samples in proportion to its self time, at a fixed sample interval,
 * so the flame chart's widths equal the measured self/total times.
 */

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; scriptId: string; url: string; lineNumber: number; columnNumber: number };
  hitCount: number;
  children: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Upper bound on synthesised samples, so a long session still exports a small file. */
const MAX_SAMPLES = 200_000;

export function callTreeToCpuProfile(roots: CallTreeNode[], startTimeMs = 0): CpuProfile {
  const totalSelf = (nodes: CallTreeNode[]): number => nodes.reduce((a, n) => a + n.self_ms + totalSelf(n.children), 0);
  const selfMs = totalSelf(roots);
  // Sample interval in µs: 1 ms unless that would exceed MAX_SAMPLES.
  const intervalUs = Math.max(1000, Math.ceil((selfMs * 1000) / MAX_SAMPLES));
  const nodes: CpuProfileNode[] = [];
  const samples: number[] = [];
  const frame = (name: string) => ({ functionName: name, scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 });
  nodes.push({ id: 1, callFrame: frame('(root)'), hitCount: 0, children: [] });
  let nextId = 2;
  const visit = (n: CallTreeNode, parent: CpuProfileNode) => {
    const node: CpuProfileNode = { id: nextId++, callFrame: frame(n.name), hitCount: 0, children: [] };
    nodes.push(node);
    parent.children.push(node.id);
    const hits = Math.round((n.self_ms * 1000) / intervalUs);
    node.hitCount = hits;
    for (let i = 0; i < hits; i++) samples.push(node.id);
    for (const c of n.children) visit(c, node);
  };
  for (const r of roots) visit(r, nodes[0] as CpuProfileNode);
  const startTime = Math.round(startTimeMs * 1000);
  return {
    nodes,
    startTime,
    endTime: startTime + samples.length * intervalUs,
    samples,
    timeDeltas: samples.map(() => intervalUs),
  };
}
