import { resolveBatch } from './batch-evaluator.js';
import type { DatasetDescription } from './dataset.js';
import type { PolicyEvaluator } from './evaluator.js';

/**
 * Cache pre-warming (seed, cache recommendation 3): before the server reports ready, evaluate
 * the hot pairs (top 50 users x top 20 tools, the seed's shape) and the critical pairs (admins x
 * critical tools with MFA) so the first requests hit. Goes through the batch decision path in
 * chunks: a few queries per chunk instead of several per pair, so pre-warming 1,200 decisions
 * costs about a second, not the startup budget. Not audited: these are not anyone's requests.
 */
const PREWARM_CHUNK = 100;

export async function prewarmCache(evaluator: PolicyEvaluator, dataset: DatasetDescription): Promise<number> {
  const pairs = [...dataset.hotPairs, ...dataset.criticalPairs];
  for (let i = 0; i < pairs.length; i += PREWARM_CHUNK) {
    await resolveBatch(evaluator, pairs.slice(i, i + PREWARM_CHUNK));
  }
  return pairs.length;
}
