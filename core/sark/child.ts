/**
 * Child process entry of the embedded SARK server: `child_process.fork` this module (see
 * forkSarkChild and ipc-types.ts for the protocol). Options: JSON in env SARK_SERVER_OPTIONS.
 */
import { runSarkChild } from './child-runner.js';
import { tuneServerProcess } from './process-tuning.js';

tuneServerProcess();
void runSarkChild();
