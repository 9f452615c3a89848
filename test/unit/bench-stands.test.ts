/**
 * The benchmark's "runs started" counter (bench/stands.ts): a run counts once when its harness stream
 * opened, however many attempts the harness throttled before it (the bot retries ThrottlingException,
 * and 1,000 commands at once exceed the harness's 25 invocations per second).
 */
import { describe, expect, it } from 'vitest';
import { harnessCalls } from '../../bench/stands.ts';

const call = (sessionId: string, status: number) => ({ sessionId, status });

describe('harnessCalls', () => {
  it('counts each run once, by the attempt whose stream opened, and the throttled attempts apart', () => {
    const calls = [
      call('s1', 200),
      call('s2', 429),
      call('s2', 429),
      call('s2', 200),
      call('s3', 429),
      call('s4', 403),
    ];
    expect(harnessCalls(calls)).toEqual({ runsStarted: 2, throttled: 3, refused: 1, attempts: 6 });
  });

  it('counts a follow-up in the same session as the same run', () => {
    expect(harnessCalls([call('s1', 200), call('s1', 200)]).runsStarted).toBe(1);
  });
});
