import { describe, expect, it } from 'vitest';
import { defaultKeyPattern } from '../../../core/probes/key-pattern.js';

describe('defaultKeyPattern', () => {
  it('keeps the first segment and the second with its id stripped (the seed patterns)', () => {
    expect(defaultKeyPattern('policy:user-123:tool:invoke')).toBe('policy:user:*');
    expect(defaultKeyPattern('policy:tool-9:evaluate')).toBe('policy:tool:*');
    expect(defaultKeyPattern('sensitivity:tool:tool-77')).toBe('sensitivity:tool:*');
    expect(defaultKeyPattern('team:membership:user-4:team-2')).toBe('team:membership:*');
    expect(defaultKeyPattern('user:role:user-5')).toBe('user:role:*');
  });

  it('drops a second segment that is only an id', () => {
    expect(defaultKeyPattern('session:12345')).toBe('session:*');
    expect(defaultKeyPattern('session:8f14e45f-ceea-467f-a0e6-1c2f3a4b5c6d')).toBe('session:*');
    expect(defaultKeyPattern('blob:5d41402abc4b2a76b9719d911017c592')).toBe('blob:*');
  });

  it('groups keys that differ only by id, and keeps different names apart', () => {
    expect(defaultKeyPattern('policy:user-1:x')).toBe(defaultKeyPattern('policy:user-999:y'));
    expect(defaultKeyPattern('policy:user-1:x')).not.toBe(defaultKeyPattern('policy:server-1:x'));
  });

  it('handles keys without separators', () => {
    expect(defaultKeyPattern('counter')).toBe('counter');
    expect(defaultKeyPattern('job-42')).toBe('job*');
  });
});
