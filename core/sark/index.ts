/**
 * The embedded SARK authorization server (issue 3): the reference target a user profiles when
 * they have no service of their own, and the lab where each finding of the seed report can be
 * reproduced by flipping a knob.
 *
 *   const server = await startSarkServer({ profile: 'baseline', knobs: parseKnobAssignments(['poolSize=30']) });
 *   // server.url -> POST /api/v1/policy/evaluate ...
 *   await server.close();
 *
 * The recorder runs it as a child process: forkSarkChild(options), protocol in ipc-types.ts.
 */
export { startSarkServer, type RunningSarkServer } from './server.js';
export { DEFAULT_TIMING_BUDGET, parseSarkServerOptions, type SarkServerOptions } from './options.js';
export {
  KNOB_SPECS,
  SARK_PROFILES,
  SARK_PROFILE_NAMES,
  DEFAULT_SARK_PROFILE,
  isSarkProfileName,
  knobDiff,
  knobSpec,
  parseKnobAssignments,
  resolveKnobs,
  validateKnobOverrides,
  type KnobName,
  type KnobSpec,
  type SarkKnobs,
  type SarkProfileName,
} from './knobs.js';
export {
  describeDataset,
  resolveDataset,
  datasetServer,
  datasetTool,
  datasetUser,
  DEFAULT_AUDIT_ROWS,
  DEFAULT_SIZES,
  ROLES,
  SENSITIVITIES,
  SERVER_ACTIONS,
  TOOL_ACTIONS,
  type DatasetDescription,
  type DatasetOptions,
  type DatasetPair,
  type DatasetSizes,
  type ResolvedDataset,
  type Role,
  type Sensitivity,
  type StorageKind,
} from './dataset.js';
export { runSarkChild, forkSarkChild, sarkChildModuleUrl } from './child-runner.js';
export {
  SARK_OPTIONS_ENV,
  isSarkChildMessage,
  type SarkChildMessage,
  type SarkParentMessage,
  type SarkReadyMessage,
} from './ipc-types.js';
export { INVALIDATION_TRIGGERS, type InvalidationRequest, type InvalidationTrigger } from './invalidation.js';
export type { EvaluationRequest, EvaluationResult } from './decision-steps.js';
export { MAX_BATCH_REQUESTS } from './http/schemas.js';
