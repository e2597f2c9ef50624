/**
 * core/load: the load generator (closed and open model, traffic mix, replay), per-second HDR
 * histograms and a streamed request trace. See generator.ts for the in-thread LoadGenerator and
 * worker.ts for startLoadWorker(), which runs the same generator in a worker thread.
 */
export { LoadGenerator, type LoadGeneratorOptions } from './generator.js';
export { startLoadWorker, type LoadWorkerOptions } from './worker.js';
export { parseLoadConfig, type LoadConfig, type LoadConfigInput, type RequestSourceConfig, type IdRangeInput, type EvaluationPair } from './config.js';
export { DEFAULT_MIX, parseMix, formatMix, type TrafficMix } from './mix.js';
export { parseIdRange, formatIdRange, type IdRange } from './id-range.js';
export { SARK_EVALUATE_TEMPLATE, SARK_SERVER_EVALUATE_TEMPLATE, type RequestTemplate } from './template.js';
export { RequestPlanner, requestSequence, generateRequestSequence, countKinds, ANALYTICS_PATH } from './sequence.js';
export { replaySource, type ReplaySource, type ReplayRequests } from './feed.js';
export { arrivalOffsetMs, arrivalsBefore } from './schedule.js';
export { classifyError, classifyStatus } from './classify.js';
export { TRACE_BATCH_MAX } from './trace.js';
export * from './types.js';
