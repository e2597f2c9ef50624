import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../core/common/errors.js';
import { KNOB_SPECS, SARK_PROFILES, knobDiff, parseKnobAssignments, resolveKnobs, validateKnobOverrides } from '../../../core/sark/knobs.js';

describe('knobs', () => {
  it('baseline reproduces the seed before its fixes and optimized applies every recommendation', () => {
    expect(SARK_PROFILES.baseline).toMatchObject({ poolSize: 20, maxOverflow: 10, criticalTtlS: 30, toolMetadataCacheTtlS: 0, batchTeamLookups: false });
    expect(SARK_PROFILES.optimized).toMatchObject({ poolSize: 30, maxOverflow: 15, criticalTtlS: 60, toolMetadataCacheTtlS: 300, batchTeamLookups: true });
    for (const spec of KNOB_SPECS) {
      if (spec.type !== 'boolean') continue;
      // Every boolean knob is a fix that optimized turns on and baseline leaves off.
      expect(SARK_PROFILES.baseline[spec.name], spec.name).toBe(false);
      expect(SARK_PROFILES.optimized[spec.name], spec.name).toBe(true);
    }
    expect(SARK_PROFILES.baseline.injectLatencyMs).toBe(0);
    expect(SARK_PROFILES.optimized.injectLatencyMs).toBe(0);
  });

  it('parses --set assignments into typed values', () => {
    expect(parseKnobAssignments(['poolSize=30', 'auditBatching=true', 'prewarm=off', 'criticalTtlS= 45'])).toEqual({
      poolSize: 30,
      auditBatching: true,
      prewarm: false,
      criticalTtlS: 45,
    });
  });

  it.each([
    ['nope=1', /unknown knob 'nope'/],
    ['poolSize', /expected knob=value/],
    ['poolSize=abc', /poolSize expects an integer from 1 to 500/],
    ['poolSize=0', /poolSize expects an integer/],
    ['poolSize=2.5', /poolSize expects an integer/],
    ['auditBatching=maybe', /auditBatching expects true or false/],
  ])('rejects %s with a UsageError naming the knob', (raw, message) => {
    expect(() => parseKnobAssignments([raw])).toThrow(UsageError);
    expect(() => parseKnobAssignments([raw])).toThrow(message);
  });

  it('applies overrides on top of a profile and reports what differs', () => {
    const knobs = resolveKnobs('baseline', { poolSize: 30, batchTeamLookups: true });
    expect(knobs.poolSize).toBe(30);
    expect(knobs.maxOverflow).toBe(10);
    expect(knobDiff('baseline', knobs)).toEqual({ poolSize: 30, batchTeamLookups: true });
  });

  it('validates JSON knob objects (IPC) the same way', () => {
    expect(validateKnobOverrides({ poolSize: 12 })).toEqual({ poolSize: 12 });
    expect(() => validateKnobOverrides({ poolSize: '12x' })).toThrow(/poolSize/);
    expect(() => validateKnobOverrides([1])).toThrow(UsageError);
  });
});
