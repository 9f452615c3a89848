/** The bot's command registry and the skills/ folder agree. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/core/commands.ts';
import { ALL_SKILLS, READ_ONLY_SKILLS, skillPath } from '../../src/core/skills.ts';
import { loadSkill, SKILLS_DIR, skillFolders } from './load.ts';

describe('command registry and skills/', () => {
  it('has one folder per registered skill and nothing else', () => {
    expect(skillFolders()).toEqual([...ALL_SKILLS].sort());
  });

  it('reaches every skill folder through at least one route', () => {
    const routed = new Set(ROUTES.map((r) => r.skill));
    expect(skillFolders().filter((name) => !routed.has(name as (typeof ALL_SKILLS)[number]))).toEqual([]);
  });

  it.each(ROUTES.map((r) => [r.id, r.skill] as const))(
    'route %s sends a path with a SKILL.md',
    (_id, skill) => {
      const path = skillPath(SKILLS_DIR, skill);
      expect(existsSync(join(path, 'SKILL.md')), path).toBe(true);
      expect(skillPath(`${SKILLS_DIR}/`, skill)).toBe(path);
    },
  );

  it('marks exactly the read-only skills as read-only in their metadata', () => {
    for (const name of ALL_SKILLS) {
      const risk = /^\s+risk-level:\s*(\S+)/m.exec(loadSkill(name).frontmatter ?? '')?.[1];
      expect(risk, name).toBe(READ_ONLY_SKILLS.includes(name) ? 'read-only' : 'mutating');
    }
  });
});
