/** core/session: the recorder (target + probes + load -> store) and workload replay. */
export { startRecording, type Recording } from './recorder.js';
export { checkTargetUrl, parseTargetUrl } from './external-target.js';
export { sarkRequests } from './prepare.js';
export { ProbeSet } from './probes-runner.js';
export type * from './types.js';
