import type { DatasetDescription } from './dataset.js';
import type { PolicyEvaluator } from './evaluator.js';

/**
 * Cache pre-warming (seed, cache recommendation 3): before the server reports ready, evaluate
 * the hot pairs (top 50 users x top 20 tools, the seed's shape) and the critical pairs (admins x
 * critical tools with MFA), through the normal decision path, so the first requests hit.
 * Not audited: these are not anyone's requests.
 */
const PREWARM_CONCURRENCY = 8;

export async function prewarmCache(evaluator: PolicyEvaluator, dataset: DatasetDescription): Promise<number> {
  const pairs = [...dataset.hotPairs, ...dataset.criticalPairs];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < pairs.length) {
      const p = pairs[next++];
      if (p !== undefined) await evaluator.resolve(p);
    }
  };
  await Promise.all(Array.from({ length: PREWARM_CONCURRENCY }, worker));
  return pairs.length;
}
