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

describe('AccessPolicy per route, skill and admin', () => {
  const p = new AccessPolicy(
    {
      channels: [],
      commands: { '/fis': ['U0LEAD'], '/fis run': ['S0SRE'], '/logs': ['S0SRE'] },
      admins: ['U0ADMIN'],
    },
    groups,
  );

  it('uses the most specific list: /fis run over /fis', async () => {
    expect(await p.route({ command: '/fis', sub: 'run' }, 'U0SRE1')).toEqual({ allowed: true });
    expect(await p.route({ command: '/fis', sub: 'run' }, 'U0LEAD')).toMatchObject({ allowed: false });
    expect(await p.route({ command: '/fis', sub: 'prepare' }, 'U0LEAD')).toEqual({ allowed: true });
    expect(await p.route({ command: '/fis', sub: 'prepare' }, 'U0SRE1')).toMatchObject({ allowed: false });
    expect(await p.routeId('fis-run', 'U0SRE1')).toEqual({ allowed: true });
    expect(await p.routeId('no-such-route', 'U0SRE1')).toMatchObject({ allowed: false });
  });

  it('offers a skill only to people who may run a command that uses it', async () => {
    const skills = ['aws-best-practice-research', 'app-service-log-analysis', 'aws-fis-experiment-execute'];
    expect(await p.skillsFor('U1', skills)).toEqual(['aws-best-practice-research']);
    expect(await p.skillsFor('U0SRE1', skills)).toEqual(skills);
  });

  it('knows its admins; none configured means nobody', async () => {
    expect(await p.isAdmin('U0ADMIN')).toBe(true);
    expect(await p.isAdmin('U0LEAD')).toBe(false);
    expect(await new AccessPolicy({ channels: [], commands: {} }, groups).isAdmin('U0ADMIN')).toBe(false);
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
