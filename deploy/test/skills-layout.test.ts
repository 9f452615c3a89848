/**
 * Every skill path the bot sends must exist in the harness image: the Dockerfile copies the repo's skills/ folder
 * to /opt/.agents/skills/, so each skill the bot knows needs skills/<name>/SKILL.md in the repo.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { ALL_SKILLS, skillPath } from '../../src/core/skills.ts';
import { REPO_ROOT } from '../lib/app.ts';

const df = DockerfileParser.parse(
  readFileSync(path.join(REPO_ROOT, 'harness-container', 'Dockerfile'), 'utf8'),
);
const skillsCopy = df
  .getCOPYs()
  .map((c) => c.getArguments().map((a) => a.getValue()))
  .find((a) => a[0]?.replace(/\/$/, '') === 'skills');

// The base path the bot really uses by default (src/config.ts), not a copy of it.
const botBasePath = loadConfig({
  SLACK_BOT_TOKEN: 'xoxb-test',
  SLACK_APP_TOKEN: 'xapp-test',
  HARNESS_ARN: 'arn:aws:bedrock-agentcore:us-west-2:123456789012:harness/slack_ops_agent-abcdefghij',
}).harness.skillsBasePath;

describe('skill paths in the harness image', () => {
  it('the Dockerfile copies skills/ to the bot default base path', () => {
    expect(skillsCopy).toEqual(['skills/', botBasePath]);
  });

  it.each(ALL_SKILLS)('%s: the path the bot sends maps to skills/<name>/SKILL.md in the repo', (name) => {
    const sent = skillPath(botBasePath, name);
    const destination = skillsCopy![1]!;
    expect(sent.startsWith(destination)).toBe(true);
    const source = path.join(REPO_ROOT, skillsCopy![0]!, sent.slice(destination.length), 'SKILL.md');
    expect(existsSync(source), `${path.relative(REPO_ROOT, source)} exists`).toBe(true);
  });
});
