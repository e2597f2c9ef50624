import type { ProbeName, ProbeSample, ProbeSampleData, SampleListener } from './types.js';

/** Delivers a probe's samples to its listeners; a throwing listener never stops the probe. */
export class SampleHub {
  private readonly listeners = new Set<SampleListener>();

  constructor(private readonly probe: ProbeName) {}

  on(listener: SampleListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(tMs: number, data: ProbeSampleData): void {
    const sample: ProbeSample = { probe: this.probe, t_ms: tMs, data };
    for (const listener of this.listeners) {
      try {
        listener(sample);
      } catch {
        // A consumer's bug must not end the sampling of a live server.
      }
    }
  }
}
