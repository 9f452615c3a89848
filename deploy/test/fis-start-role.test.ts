/**
 * A start that can do only one thing, proven with a real IAM policy evaluator on the synthesized
 * stack: the bot's task role cannot start any experiment; the start-only role can be assumed by the
 * task role only, with a source identity; and a session scoped by the policy the bot sends for one
 * template (src/core/start-role.ts) cannot start any other template, tagged or not. A session's
 * effective permissions are the role's identity policy intersected with the session policy, so a
 * request is allowed only when both allow it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { startSessionPolicy } from '../../src/core/start-role.ts';
import type { PolicyDocument } from '../../src/stand-ins/iam-authorizer.ts';
import { FIS_TEMPLATE_TAG } from '../lib/fis-contract.ts';
import { asArray } from './helpers/iam.ts';
import {
  botTaskRolePolicy,
  SIM_ENV as D,
  decide,
  deployedArn,
  resolveIntrinsics,
  startRolePolicy,
  synthesizedTemplate,
} from './helpers/iam-eval.ts';
import { logicalId } from './helpers/synth.ts';

const fis = `arn:aws:fis:${D.region}:${D.account}`;
const APPROVED = 'EXT1a2b3c4d5e6f7';
const tagged = { [`aws:ResourceTag/${FIS_TEMPLATE_TAG.key}`]: FIS_TEMPLATE_TAG.value };

describe('the start-only role and its scoped sessions', () => {
  let task: PolicyDocument;
  let role: PolicyDocument;
  let session: PolicyDocument;
  let roleArn: string;
  beforeAll(() => {
    task = botTaskRolePolicy();
    role = startRolePolicy();
    roleArn = deployedArn('AWS::IAM::Role', 'FisStartRole');
    session = JSON.parse(startSessionPolicy(roleArn, D.region, APPROVED)) as PolicyDocument;
  }, 60_000);

  /** Allowed only when the role's policy and the session policy both allow it. */
  const asSession = async (resource: string, context: Record<string, string> = {}) => {
    const [r, s] = [
      await decide(role, 'fis:StartExperiment', resource, context),
      await decide(session, 'fis:StartExperiment', resource, context),
    ];
    return r === 'Allowed' && s === 'Allowed' ? 'Allowed' : `role ${r}, session ${s}`;
  };

  it('the task role cannot start any experiment, even from a tagged template', async () => {
    expect(
      await decide(task, 'fis:StartExperiment', `${fis}:experiment-template/${APPROVED}`, tagged),
    ).not.toBe('Allowed');
    expect(await decide(task, 'fis:StartExperiment', `${fis}:experiment/EXPaBcD1234`)).not.toBe('Allowed');
  });

  it('the task role may assume the start-only role (with a source identity), and no other role', async () => {
    expect(await decide(task, 'sts:AssumeRole', roleArn)).toBe('Allowed');
    expect(await decide(task, 'sts:SetSourceIdentity', roleArn)).toBe('Allowed');
    expect(await decide(task, 'sts:AssumeRole', `arn:aws:iam::${D.account}:role/SomethingElse`)).not.toBe(
      'Allowed',
    );
  });

  it('a scoped session starts the approved template and its experiment', async () => {
    expect(await asSession(`${fis}:experiment-template/${APPROVED}`, tagged)).toBe('Allowed');
    expect(await asSession(`${fis}:experiment/EXPaBcD1234`)).toBe('Allowed');
  });

  it('a scoped session cannot start another template, tagged or not, nor the approved one untagged', async () => {
    expect(await asSession(`${fis}:experiment-template/EXTother00000001`, tagged)).not.toBe('Allowed');
    expect(await asSession(`${fis}:experiment-template/EXTother00000001`)).not.toBe('Allowed');
    expect(await asSession(`${fis}:experiment-template/${APPROVED}`)).not.toBe('Allowed');
    // The approved id in another Region is another template.
    expect(
      await asSession(`arn:aws:fis:eu-west-1:${D.account}:experiment-template/${APPROVED}`, tagged),
    ).not.toBe('Allowed');
  });

  it('the session can do nothing but start: no stop, no template changes, no other service', async () => {
    for (const action of [
      'fis:StopExperiment',
      'fis:UpdateExperimentTemplate',
      'fis:CreateExperimentTemplate',
      'iam:PassRole',
    ])
      expect(await decide(session, action, `${fis}:experiment-template/${APPROVED}`), action).not.toBe(
        'Allowed',
      );
  });

  it('is trusted by the bot task role only, and requires a source identity to set one', () => {
    const json = synthesizedTemplate();
    const id = logicalId(json, 'AWS::IAM::Role', 'FisStartRole');
    const trust = resolveIntrinsics(json.Resources[id]!.Properties?.AssumeRolePolicyDocument, json) as {
      Statement: Array<{ Action: string | string[]; Principal: { AWS: string }; Condition?: unknown }>;
    };
    const taskArn = deployedArn('AWS::IAM::Role', 'BotTaskRole');
    for (const st of trust.Statement) expect(st.Principal.AWS).toBe(taskArn);
    const actions = trust.Statement.flatMap((st) => asArray(st.Action));
    expect(actions.sort()).toEqual(['sts:AssumeRole', 'sts:SetSourceIdentity']);
    expect(JSON.stringify(trust)).toContain('sts:SourceIdentity');
  });
});
