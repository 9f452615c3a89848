/**
 * What a harness's execution role must allow, derived from the skills it loads: every AWS CLI command in
 * those skills is mapped to its IAM actions by src/doctor/skill-actions.ts (the same mapping the skill→IAM
 * contract test and the doctor use), and each action is granted by the narrowest statement the role has for
 * it. A harness that loads only the cost skill so gets Cost Explorer reads and nothing to prepare FIS
 * experiments with; a harness that loads the FIS skills gets the preparation statements too.
 *
 * An action no statement can grant fails the synth: a skill must not quietly need more than its role has.
 */
import {
  awsCommandsOf,
  FOR_HUMANS,
  iamActionsFor,
  type SkillFile,
} from '../../../src/doctor/skill-actions.ts';
import { READ_ONLY_ASSESSMENT_ACTIONS, SECRET_BEARING_READS } from './read-only-assessment.ts';

export interface SkillGrants {
  /** Entries of READ_ONLY_ASSESSMENT_ACTIONS the skills use (a wildcard entry when one of its reads is used). */
  reads: string[];
  /** Create tagged FIS templates, update own ones, pass the FIS experiment role to FIS. */
  fisPreparation: boolean;
  /** Create tagged stop-condition alarms under the stack's prefix. */
  stopConditionAlarms: boolean;
  /** Stop running FIS experiments. */
  stopExperiments: boolean;
  /** Read AWS's public SSM parameters (/aws/service/…). */
  publicSsmParameters: boolean;
}

/** Actions granted by a statement other than the read-only list, by the grant that holds them. */
const WRITE_GRANTS: Record<string, keyof Omit<SkillGrants, 'reads'>> = {
  'fis:CreateExperimentTemplate': 'fisPreparation',
  'fis:UpdateExperimentTemplate': 'fisPreparation',
  'iam:PassRole': 'fisPreparation',
  'cloudwatch:PutMetricAlarm': 'stopConditionAlarms',
  'cloudwatch:TagResource': 'stopConditionAlarms',
  'fis:StopExperiment': 'stopExperiments',
  'ssm:GetParameter': 'publicSsmParameters',
};

/**
 * Actions granted outside the skills' grants: sts:AssumeRole (scripts/target-account.sh) only to the default harness,
 * on exactly the TARGET_ACCOUNTS roles (bot-stack.ts), the only role those accounts' read-only roles trust.
 */
const GRANTED_ELSEWHERE = new Set(['sts:AssumeRole']);

/** IAM action matching: case-insensitive, `*` for any run of characters. */
function covers(pattern: string, action: string): boolean {
  const re = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${re}$`, 'i').test(action);
}

/** The grants the given skills need; throws naming every action no statement of the role could grant. */
export function skillGrants(
  skills: ReadonlyArray<{ name: string; files: readonly SkillFile[] }>,
): SkillGrants {
  const grants: SkillGrants = {
    reads: [],
    fisPreparation: false,
    stopConditionAlarms: false,
    stopExperiments: false,
    publicSsmParameters: false,
  };
  const reads = new Set<string>();
  const ungrantable: string[] = [];
  for (const skill of skills) {
    for (const cmd of awsCommandsOf(skill.files)) {
      if (`aws ${cmd.service} ${cmd.op}` in FOR_HUMANS) continue;
      for (const action of iamActionsFor(cmd)) {
        if (GRANTED_ELSEWHERE.has(action)) continue;
        const write = WRITE_GRANTS[action];
        // CreateExperimentTemplate also needs iam:PassRole on the experiment role (requestsFor in skill-actions.ts).
        if (write) {
          grants[write] = true;
          continue;
        }
        const entries = READ_ONLY_ASSESSMENT_ACTIONS.filter((p) => covers(p, action));
        const denied = SECRET_BEARING_READS.some((p) => covers(p, action));
        if (entries.length === 0 || denied) ungrantable.push(`${skill.name}/${cmd.file}: ${action}`);
        for (const e of entries) reads.add(e);
      }
    }
  }
  if (ungrantable.length > 0)
    throw new Error(
      `These skills need IAM actions no harness role statement grants (add them to deploy/lib/policies/read-only-assessment.ts if they are reads, or change the skill):\n${[...new Set(ungrantable)].map((u) => `  - ${u}`).join('\n')}`,
    );
  // In the order of the read-only list, so the synthesized policy is stable.
  grants.reads = READ_ONLY_ASSESSMENT_ACTIONS.filter((a) => reads.has(a));
  return grants;
}
