import { EventEmitter } from 'node:events';
import type { LoadEventName, LoadEvents } from './types.js';

/** A typed facade over EventEmitter, shared by the in-thread generator and the worker handle. */
export class LoadEventEmitter {
  private readonly ee = new EventEmitter();

  constructor() {
    // The recorder, the CLI progress bar and the UI bridge may all listen; no leak warning at 11.
    this.ee.setMaxListeners(50);
  }

  on<K extends LoadEventName>(event: K, listener: (payload: LoadEvents[K]) => void): this {
    this.ee.on(event, listener);
    return this;
  }

  off<K extends LoadEventName>(event: K, listener: (payload: LoadEvents[K]) => void): this {
    this.ee.off(event, listener);
    return this;
  }

  protected hasListeners(event: LoadEventName): boolean {
    return this.ee.listenerCount(event) > 0;
  }

  /** Emits synchronously; a listener that throws propagates to the caller (the run then fails). */
  protected emitEvent<K extends LoadEventName>(event: K, payload: LoadEvents[K]): void {
    this.ee.emit(event, payload);
  }
}
