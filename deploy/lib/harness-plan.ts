/**
 * What ties the stack's harnesses to the bot: which skills a harness loads (the skills of the commands
 * it answers, from the bot's command registry) and the environment that tells the bot where each
 * command family runs and which tools each harness has (the same definition the harnesses were
 * created with, with the ARNs of created Gateways filled in).
 */
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ROUTES } from '../../src/core/commands.ts';
import { INVESTIGATE_COMMAND, INVESTIGATION_SKILLS } from '../../src/core/investigation-runs.ts';
import type { SkillName } from '../../src/core/skills.ts';
import { readSkillFiles } from '../../src/doctor/skill-actions.ts';
import type { HarnessSpec } from '../../src/harness-catalog.ts';
import type { Harness } from './constructs/harness.ts';
import type { SkillsBucket } from './constructs/skills-bucket.ts';
import { type SkillGrants, skillGrants } from './policies/skill-grants.ts';

/** The skills behind these slash commands, in registry order (then those of /investigate, when named). */
export function skillsOf(commands: readonly string[]): SkillName[] {
  return [
    ...new Set([
      ...ROUTES.filter((r) => commands.includes(r.command)).map((r) => r.skill),
      ...(commands.includes(INVESTIGATE_COMMAND) ? INVESTIGATION_SKILLS : []),
    ]),
  ];
}

/** What the execution role of a harness loading these skills must allow, from the skills' text in the repository. */
export function grantsOf(repoRoot: string, skills: readonly SkillName[]): SkillGrants {
  return skillGrants(
    readSkillFiles(join(repoRoot, 'skills')).filter((k) => skills.includes(k.name as SkillName)),
  );
}

export function harnessEnvironmentForBot(
  scope: Construct,
  main: Harness,
  specs: readonly HarnessSpec[],
  named: ReadonlyMap<string, Harness>,
  skillsBucket: SkillsBucket | undefined,
): Record<string, string> {
  const stack = Stack.of(scope);
  return {
    HARNESS_TOOLS: stack.toJsonString(main.toolSpecs),
    ...(specs.length
      ? {
          HARNESSES: stack.toJsonString(
            specs.map((h) => ({ id: h.id, commands: h.commands, tools: named.get(h.id)!.toolSpecs })),
          ),
          HARNESS_ARNS: specs.map((h) => `${h.id}=${named.get(h.id)!.harnessArn}`).join(';'),
        }
      : {}),
    ...(skillsBucket ? { SKILLS_BASE_PATH: skillsBucket.baseUri } : {}),
  };
}
