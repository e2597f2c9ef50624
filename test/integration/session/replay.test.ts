import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../helpers/env.js';
import { startRecording } from '../../../core/session/index.js';
import { openStore, type Store } from '../../../core/store/index.js';

/** Workload replay: the same requests, in the same order, as a new session linked to the original. */

const SMALL = { users: 300, teams: 30, tools: 120, servers: 10, auditRows: 20_000 };
let store: Store;
beforeAll(() => {
  store = openStore(':memory:');
});
afterAll(() => store.close());

function trace(id: string) {
  return [...store.reader.iterateRequestTrace(id)].map((r) => `${r.kind} ${r.method} ${r.path} ${r.body ?? ''}`);
}

describe('replay', () => {
  it('re-sends the recorded requests in order, at the recorded pacing or as fast as possible, against another profile', async () => {
    // Open model: the recording sends its 45 scheduled arrivals however slow the machine is (a
    // closed-model recording of 4 s once sent only 13 while other test files loaded the machine).
    const original = await startRecording(store, {
      target: { kind: 'embedded', profile: 'baseline' },
      load: { users: 4, durationS: 3, rampUpS: 0, rate: 15 },
      embedded: { sizes: SMALL },
    });
    const o = await original.done;
    expect(o.status).toBe('completed');
    const sent = trace(o.sessionId);
    expect(sent.length).toBe(45);

    const paced = await startRecording(store, {
      target: { kind: 'embedded', profile: 'optimized' },
      replay: { sessionId: o.sessionId, asFastAsPossible: false },
      embedded: { sizes: SMALL },
    });
    const p = await paced.done;
    expect(p.status).toBe('completed');
    expect(trace(p.sessionId)).toEqual(sent);
    const session = store.sessions.require(p.sessionId);
    expect(session.parent_id).toBe(o.sessionId);
    expect(session.source).toBe('replay');
    expect(session.profile).toBe('optimized');
    // Recorded pacing: the intended send offsets are the original's.
    const offsets = (id: string) => [...store.reader.iterateRequestTrace(id)].map((r) => Math.round(r.t_offset_ms));
    expect(offsets(p.sessionId)).toEqual(offsets(o.sessionId));

    const fast = await startRecording(store, {
      target: { kind: 'embedded', profile: 'optimized' },
      replay: { sessionId: o.sessionId, asFastAsPossible: true },
      embedded: { sizes: SMALL },
    });
    const f = await fast.done;
    expect(trace(f.sessionId)).toEqual(sent);
  });

  it('refuses a session with nothing to replay, leaving no session behind', async () => {
    const before = store.sessions.list().length;
    const imported = store.sessions.create({ target_kind: 'external', target: {}, status: 'completed', ended_at: new Date().toISOString(), duration_s: 1 });
    await expect(startRecording(store, { target: { kind: 'embedded' }, replay: { sessionId: imported.id, asFastAsPossible: true } })).rejects.toThrow(/no recorded request trace/);
    expect(store.sessions.list().length).toBe(before + 1);
  });
});
