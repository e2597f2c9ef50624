import type { CallNode } from './context.js';
import type { CallTreeNode } from './report-types.js';

/**
 * The call tree (the seed's "critical path": http_request > evaluate_policy >
 * get_cached_decision > ...), one node per path of span names. Bounded: beyond MAX_NODES new
 * paths are folded into their parent, so a span named after unbounded data cannot exhaust memory.
 */

/** Nodes kept per tree; a real critical path has tens. */
const MAX_NODES = 5_000;
/** Root spans reported (the report schema caps call_tree at 1,000). */
const MAX_REPORTED_ROOTS = 1_000;
const OVERFLOW_NAME = '(other)';

export function newNode(name: string): CallNode {
  return { name, calls: 0, errors: 0, totalMs: 0, selfMs: 0, children: null };
}

export class CallTree {
  private roots = new Map<string, CallNode>();
  private nodes = 0;

  /** The node for span `name` under `parent` (a root when parent is null). */
  child(parent: CallNode | null, name: string): CallNode {
    let map = parent === null ? this.roots : parent.children;
    let node = map?.get(name);
    if (node !== undefined) return node;
    if (map === null || map === undefined) map = (parent as CallNode).children = new Map();
    if (this.nodes >= MAX_NODES) {
      // One "(other)" child per node at most: bounded by twice the cap.
      name = OVERFLOW_NAME;
      node = map.get(name);
      if (node !== undefined) return node;
    } else {
      this.nodes++;
    }
    node = newNode(name);
    map.set(name, node);
    return node;
  }

  /** The tree as report nodes, children by total time. */
  toReport(): CallTreeNode[] {
    const convert = (n: CallNode): CallTreeNode => ({
      name: n.name,
      calls: n.calls,
      total_ms: n.totalMs,
      self_ms: n.selfMs,
      children: n.children === null ? [] : sortNodes([...n.children.values()]).map(convert),
    });
    return sortNodes([...this.roots.values()])
      .slice(0, MAX_REPORTED_ROOTS)
      .map(convert);
  }

  reset(): void {
    this.roots = new Map();
    this.nodes = 0;
  }
}

function sortNodes(nodes: CallNode[]): CallNode[] {
  return nodes.filter((n) => n.calls > 0).sort((a, b) => b.totalMs - a.totalMs);
}
