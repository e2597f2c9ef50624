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
/** Chunks in flight: Cedar work in this process overlaps the database's work on the next chunk. */
const PREWARM_CONCURRENCY = 3;

export async function prewarmCache(evaluator: PolicyEvaluator, dataset: DatasetDescription): Promise<number> {
  const pairs = [...dataset.hotPairs, ...dataset.criticalPairs];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < pairs.length) {
      const chunk = pairs.slice(next, next + PREWARM_CHUNK);
      next += PREWARM_CHUNK;
      await resolveBatch(evaluator, chunk);
    }
  };
  await Promise.all(Array.from({ length: PREWARM_CONCURRENCY }, worker));
  return pairs.length;
}
