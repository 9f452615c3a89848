import { describe, expect, it } from 'vitest';
import { AccessPolicy, type GroupMembership } from '../../src/core/access.ts';
import { excerpt, rehydrationPrompt } from '../../src/core/rehydrate.ts';

const groups: GroupMembership = {
  async isMember(user, ids) {
    return ids.includes(user) || (ids.includes('S0SRE') && user === 'U0SRE1');
  },
};

describe('AccessPolicy', () => {
  it('is open when nothing is configured', async () => {
    const p = new AccessPolicy({ channels: [], commands: {} }, groups);
    expect(p.channel('C1')).toEqual({ allowed: true });
    expect(await p.command('/fis', 'C1', 'U1')).toEqual({ allowed: true });
  });

  it('denies by default once lists are configured', async () => {
    const p = new AccessPolicy({ channels: ['C0OPS'], commands: { '/fis': ['S0SRE', 'U0LEAD'] } }, groups);
    expect(p.channel('C0RANDOM')).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('<#C0OPS>'),
    });
    expect(await p.command('/assess', 'C0OPS', 'U1')).toEqual({ allowed: true });
    expect(await p.command('/fis', 'C0OPS', 'U1')).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('<!subteam^S0SRE>'),
    });
    expect(await p.command('/fis', 'C0OPS', 'U0SRE1')).toEqual({ allowed: true });
    expect(await p.command('/fis', 'C0OPS', 'U0LEAD')).toEqual({ allowed: true });
    expect(await p.command('/fis', 'C0RANDOM', 'U0LEAD')).toMatchObject({ allowed: false });
  });
});

describe('rehydration', () => {
  const turns = Array.from({ length: 10 }, (_, i) => ({
    at: i,
    user: 'U1',
    prompt: `question ${i}`,
    answer: `answer ${i} `.repeat(400),
  }));

  it('keeps the newest turns within the budget, oldest first, and ends with the new message', () => {
    const p = rehydrationPrompt(turns, 'and now?');
    expect(p.length).toBeLessThan(14_000);
    expect(p).toContain('question 9');
    expect(p).not.toContain('question 0');
    expect(p.indexOf('question 8')).toBeLessThan(p.indexOf('question 9'));
    expect(p.trimEnd().endsWith('and now?')).toBe(true);
  });

  it('excerpts keep the beginning and the end of long answers', () => {
    const text = `START ${'x'.repeat(10_000)} END`;
    const e = excerpt(text, 200);
    expect(e.length).toBeLessThanOrEqual(200);
    expect(e.startsWith('START')).toBe(true);
    expect(e.endsWith('END')).toBe(true);
  });
});
