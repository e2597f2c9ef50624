import { describe, expect, it } from 'vitest';
import { loadSchema } from '../../../core/api/types.js';
import { DEFAULT_LOAD, validateLoad } from '../../../renderer/src/pages/new-session/load-settings.js';

describe('New session load form', () => {
  it('turns the default form into settings the API accepts (the seed mix)', () => {
    const { load, errors } = validateLoad(DEFAULT_LOAD);
    expect(errors).toEqual({});
    expect(load).toEqual({ users: 20, rampUpS: 2, durationS: 30, mix: 'cached=50,unique=30,critical=15,server=5' });
    expect(loadSchema.safeParse(load).success).toBe(true);
  });

  it('leaves out an empty rate (closed loop) and zero shares of the mix', () => {
    const { load } = validateLoad({ ...DEFAULT_LOAD, rate: '', mix: { cached: '100', unique: '0', critical: '', server: '0' } });
    expect(load?.rate).toBeUndefined();
    expect(load?.mix).toBe('cached=100');
  });

  it('names the field that is wrong, before anything is sent', () => {
    const { load, errors } = validateLoad({ ...DEFAULT_LOAD, users: '0', durationS: '', rate: '-5', mix: { cached: '0', unique: '0', critical: '0', server: '0' } });
    expect(load).toBeNull();
    expect(errors.users).toMatch(/Users/);
    expect(errors.durationS).toMatch(/Duration/);
    expect(errors.rate).toMatch(/Rate/);
    expect(errors.mix).toMatch(/at least one/);
  });

  it('rejects fractional users the backend would refuse', () => {
    expect(validateLoad({ ...DEFAULT_LOAD, users: '2.5' }).errors.users).toBeDefined();
  });
});
