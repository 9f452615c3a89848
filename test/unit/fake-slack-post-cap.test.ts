/**
 * The fake Slack's workspace-wide cap on chat.postMessage (src/stand-ins/fake-slack-rate-limits.ts):
 * Slack allows about one post a second per channel *and* caps posts over the whole workspace
 * ("several hundred a minute"); the fake takes 300 in any minute, so a bot spreading posts over many
 * channels is held to it as Slack would hold it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeSlack } from '../../src/stand-ins/fake-slack.ts';
import {
  POST_WORKSPACE_PER_MINUTE,
  RateLimiter,
  strictPostCap,
} from '../../src/stand-ins/fake-slack-rate-limits.ts';

const T0 = 1_800_000_000_000;

describe("the fake Slack's workspace cap on chat.postMessage", () => {
  afterEach(() => vi.useRealTimers());

  it('accepts 300 posts a minute over many channels, answers the 301st with 429 and Retry-After, and slides', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    const limiter = new RateLimiter(true);
    expect(POST_WORKSPACE_PER_MINUTE).toBe(300);
    // One post in each of 300 channels, 100 ms apart: each channel's 1/s allows them all.
    for (let i = 0; i < 300; i++) {
      vi.setSystemTime(T0 + i * 100);
      expect(limiter.check('chat.postMessage', { channel: `C${i}` }), `post ${i}`).toBeUndefined();
    }
    // A fresh channel, 30 s after the first post: over the workspace's minute, not the channel's second.
    vi.setSystemTime(T0 + 30_000);
    expect(limiter.check('chat.postMessage', { channel: 'CFRESH' })).toBe(30);
    // The window slides: once the first post is a minute old, one more may go (and only one).
    vi.setSystemTime(T0 + 60_001);
    expect(limiter.check('chat.postMessage', { channel: 'CFRESH' })).toBeUndefined();
    expect(limiter.check('chat.postMessage', { channel: 'COTHER' })).toBe(1);
  });

  it('counts a post only when every limit accepts it', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    const limiter = new RateLimiter(true);
    expect(limiter.check('chat.postMessage', { channel: 'C1' })).toBeUndefined();
    // Refused by the channel's 1/s: these must not use up the workspace's minute.
    for (let i = 0; i < 500; i++) expect(limiter.check('chat.postMessage', { channel: 'C1' })).toBe(1);
    for (let i = 0; i < 299; i++)
      expect(limiter.check('chat.postMessage', { channel: `D${i}` }), `post ${i}`).toBeUndefined();
    expect(limiter.check('chat.postMessage', { channel: 'D299' })).toBe(60);
  });

  it('answers HTTP 429 with Retry-After on the wire when a workspace posts too much', async () => {
    const slack = new FakeSlack({ enforceRateLimits: true });
    await slack.start();
    try {
      const post = (channel: string) =>
        fetch(`${slack.apiUrl}chat.postMessage`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${slack.botToken}`,
            'content-type': 'application/json; charset=utf-8',
          },
          body: JSON.stringify({ channel, text: 'hi' }),
        });
      for (let i = 0; i < 300; i++) {
        slack.addChannel({ id: `C${i}`, name: `c${i}`, members: [slack.botUserId] });
        const res = await post(`C${i}`);
        expect(res.status, `post ${i}`).toBe(200);
        expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
      }
      slack.addChannel({ id: 'CLAST', name: 'last', members: [slack.botUserId] });
      const res = await post('CLAST');
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await res.json()).toEqual({ ok: false, error: 'ratelimited' });
    } finally {
      await slack.stop();
    }
  });
  it('a test may set a lower cap (20 in any 10 s), never one that lets more through in a minute', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    const limiter = new RateLimiter(true, { limit: 20, windowMs: 10_000 });
    for (let i = 0; i < 20; i++)
      expect(limiter.check('chat.postMessage', { channel: `C${i}` }), `post ${i}`).toBeUndefined();
    expect(limiter.check('chat.postMessage', { channel: 'CFRESH' })).toBe(10);
    vi.setSystemTime(T0 + 10_001);
    expect(limiter.check('chat.postMessage', { channel: 'CFRESH' })).toBeUndefined();
    // 60 in any 10 s could be 360 in a minute; 301 in a minute is Slack's cap plus one.
    expect(() => strictPostCap({ limit: 60, windowMs: 10_000 })).toThrow(/at least as strict/);
    expect(() => strictPostCap({ limit: 301, windowMs: 60_000 })).toThrow(/at least as strict/);
    expect(() => strictPostCap({ limit: 300, windowMs: 120_000 })).toThrow(/at least as strict/);
    expect(strictPostCap({ limit: 50, windowMs: 10_000 })).toEqual({ limit: 50, windowMs: 10_000 });
  });
});
