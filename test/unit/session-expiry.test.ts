import { describe, expect, it } from 'vitest';
import { sessionMayBeRecycled } from '../../src/core/session-expiry.ts';

describe('when a harness session may have been recycled', () => {
  const idle = 900_000;
  it('not while well inside the idle timeout', () => {
    expect(sessionMayBeRecycled(0, 600_000, idle)).toBe(false);
  });
  it('already shortly before the timeout by the bot’s clock, which runs behind the harness’s', () => {
    expect(sessionMayBeRecycled(0, idle - 30_000, idle)).toBe(true);
    expect(sessionMayBeRecycled(0, idle + 1, idle)).toBe(true);
  });
  it('with a margin of a tenth for short timeouts', () => {
    expect(sessionMayBeRecycled(0, 850, 1000)).toBe(false);
    expect(sessionMayBeRecycled(0, 950, 1000)).toBe(true);
  });
  it('never when turned off', () => {
    expect(sessionMayBeRecycled(0, 10 ** 9, 0)).toBe(false);
  });
});
