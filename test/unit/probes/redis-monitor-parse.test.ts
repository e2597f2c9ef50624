import { describe, expect, it } from 'vitest';
import { parseMonitorLine } from '../../../core/probes/redis-monitor-stream.js';
import { commandKeys } from '../../../core/probes/redis-commands.js';
import { withKeymissEvents } from '../../../core/probes/redis-monitor.js';

describe('parseMonitorLine', () => {
  it('reads time, db, source and arguments', () => {
    expect(parseMonitorLine('1339518083.107412 [3 127.0.0.1:60866] "GET" "policy:user-1:tool:x"')).toEqual({
      time: 1339518083.107412,
      db: 3,
      source: '127.0.0.1:60866',
      args: ['GET', 'policy:user-1:tool:x'],
    });
  });

  it('undoes Redis escaping: quotes, spaces, backslashes, and UTF-8 bytes', () => {
    const e = parseMonitorLine('1.5 [0 lua] "SET" "a \\"quoted\\" key" "back\\\\slash" "caf\\xc3\\xa9" "line\\nbreak"');
    expect(e?.source).toBe('lua');
    expect(e?.args).toEqual(['SET', 'a "quoted" key', 'back\\slash', 'café', 'line\nbreak']);
  });

  it('returns null for something that is not a MONITOR line', () => {
    expect(parseMonitorLine('OK')).toBeNull();
    expect(parseMonitorLine('1.0 [0 x] "unterminated')).toBeNull();
  });
});

describe('commandKeys', () => {
  it('finds the keys and whether Redis counts them as lookups', () => {
    expect(commandKeys(['GET', 'a'])).toEqual({ keys: ['a'], read: true });
    expect(commandKeys(['mget', 'a', 'b'])).toEqual({ keys: ['a', 'b'], read: true });
    expect(commandKeys(['SET', 'a', '1', 'EX', '10'])).toEqual({ keys: ['a'], read: false });
    expect(commandKeys(['MSET', 'a', '1', 'b', '2'])).toEqual({ keys: ['a', 'b'], read: false });
    expect(commandKeys(['DEL', 'a', 'b'])).toEqual({ keys: ['a', 'b'], read: false });
    expect(commandKeys(['PING'])).toBeNull();
    expect(commandKeys(['EVAL', 'return 1', '0'])).toBeNull();
  });
});

describe('withKeymissEvents', () => {
  it('adds E and m to whatever was set, and nothing twice', () => {
    expect(withKeymissEvents('')).toBe('Em');
    expect(withKeymissEvents('Kx')).toBe('KxEm');
    expect(withKeymissEvents('AKE')).toBe('AKEm');
    expect(withKeymissEvents('Em')).toBe('Em');
  });
});
