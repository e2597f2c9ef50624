import type { SessionReport } from '../../../core/api/types.js';

type CallTreeNode = SessionReport['call_tree'][number];

/** One rectangle of the flame graph: x and width as fractions of the root's total time. */
export interface FlameRect {
  node: CallTreeNode;
  /** Path of names from the root, the rectangle's identity (zooming keys on it). */
  path: string;
  depth: number;
  x: number;
  w: number;
}

/**
 * Below this share of the root a rectangle is narrower than ~1 px on a 1,200 px canvas and is
 * not drawn (its time still counts in its parent), which bounds the DOM for deep trees.
 */
export const MIN_FLAME_SHARE = 0.001;
/** Hard cap on rectangles, whatever the tree's shape. */
export const MAX_FLAME_RECTS = 4000;

export function layoutFlame(roots: readonly CallTreeNode[]): { rects: FlameRect[]; depth: number; totalMs: number } {
  const totalMs = roots.reduce((s, n) => s + n.total_ms, 0);
  const rects: FlameRect[] = [];
  let maxDepth = 0;
  if (totalMs <= 0) return { rects, depth: 0, totalMs };
  // Breadth-first so the cap drops the deepest, narrowest frames first.
  const queue: Array<{ node: CallTreeNode; path: string; depth: number; x: number }> = [];
  let x = 0;
  for (const n of roots) {
    queue.push({ node: n, path: n.name, depth: 0, x });
    x += n.total_ms / totalMs;
  }
  for (let i = 0; i < queue.length && rects.length < MAX_FLAME_RECTS; i++) {
    const item = queue[i];
    if (!item) break;
    const w = item.node.total_ms / totalMs;
    if (w < MIN_FLAME_SHARE) continue;
    rects.push({ node: item.node, path: item.path, depth: item.depth, x: item.x, w });
    maxDepth = Math.max(maxDepth, item.depth);
    let cx = item.x;
    for (const c of item.node.children) {
      queue.push({ node: c, path: `${item.path};${c.name}`, depth: item.depth + 1, x: cx });
      cx += c.total_ms / totalMs;
    }
  }
  return { rects, depth: maxDepth + 1, totalMs };
}

/** Finds the node at a path (for zoom). */
export function nodeAt(roots: readonly CallTreeNode[], path: string): CallTreeNode | null {
  const names = path.split(';');
  let level: readonly CallTreeNode[] = roots;
  let found: CallTreeNode | null = null;
  for (const name of names) {
    found = level.find((n) => n.name === name) ?? null;
    if (!found) return null;
    level = found.children;
  }
  return found;
}

/** A stable warm hue per function name, so the same function has the same colour everywhere. */
export function flameHue(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
  return 10 + (Math.abs(h) % 45); // 10..55: red-orange-yellow, the flame-graph convention
}
