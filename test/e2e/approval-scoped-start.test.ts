/**
 * A start that can do only one thing (issue 16): the bot assumes its start-only role for each
 * approved start, with a session policy naming exactly that template, the approval id as session name
 * and source identity; the bot's own keys cannot start anything; and the scoped credentials cannot
 * start another template. The FIS emulator enforces the session policy with the real IAM evaluator.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsFis } from '../../src/adapters/fis.ts';
import { sampleTemplate } from '../../src/stand-ins/fis-emulator.ts';
import { fisExecuteAgent } from '../../src/stand-ins/scenarios.ts';
import { approvalId, click, requestRun, resumeIn, TEMPLATE, threadText } from '../helpers/approval.ts';
import { APPROVER, type Rig, resetWorld, START_ROLE_ARN, startRig } from '../helpers/rig.ts';

const OTHER_TEMPLATE = 'EXTother00000001';

describe('scoped start', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ scopedStart: true, harness: { defaultScenario: fisExecuteAgent() } });
  });
  afterAll(async () => {
    await rig.close();
  });
  beforeEach(() => {
    rig.fis.templates.clear();
    rig.fis.addTemplate(sampleTemplate(TEMPLATE));
    rig.fis.addTemplate(sampleTemplate(OTHER_TEMPLATE));
    rig.fis.clearStartFaults();
    resetWorld(rig);
  });

  it('starts as a session of the start-only role named after the approval, allowed this template only', async () => {
    const { root, card, session } = await requestRun(rig);
    const id = approvalId(card);
    await click(rig, APPROVER, card, 'fis_approve');
    await rig.slack.waitFor(
      () => /started from template/.test(threadText(rig, root.ts)),
      15_000,
      'the start',
    );
    const assume = rig.sts.calls.find((c) => c.params.RoleSessionName === id);
    expect(assume?.params).toMatchObject({
      RoleArn: START_ROLE_ARN,
      SourceIdentity: id,
      DurationSeconds: '900',
    });
    const policy = JSON.parse(assume!.params.Policy!) as {
      Statement: Array<{ Action: string; Resource: string[] }>;
    };
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Action: 'fis:StartExperiment',
        Resource: [
          `arn:aws:fis:us-east-1:123456789012:experiment-template/${TEMPLATE}`,
          'arn:aws:fis:us-east-1:123456789012:experiment/*',
        ],
      }),
    ]);
    const starts = rig.fis.calls.filter((c) => c.op === 'StartExperiment');
    expect(starts.at(-1)?.accessKeyId).toMatch(/^ASIA/);
    expect(rig.sts.session(starts.at(-1)!.accessKeyId!)).toMatchObject({
      sessionName: id,
      sourceIdentity: id,
    });
    await rig.slack.waitFor(() => resumeIn(rig, session), 15_000, 'the agent');
    expect(resumeIn(rig, session)).toMatchObject({ decision: 'approved' });
  }, 40_000);

  it('the scoped credentials cannot start another template, and the bot’s own keys cannot start at all', async () => {
    const { root, card } = await requestRun(rig);
    await click(rig, APPROVER, card, 'fis_approve');
    await rig.slack.waitFor(
      () => /started from template/.test(threadText(rig, root.ts)),
      15_000,
      'the start',
    );
    const key = rig.fis.calls.filter((c) => c.op === 'StartExperiment').at(-1)!.accessKeyId!;
    const scoped = new AwsFis({ endpoint: rig.fis.url });
    const as = { accessKeyId: key, secretAccessKey: 'unused-by-the-emulator', sessionToken: 'token' };
    await expect(
      scoped.startExperiment('us-east-1', OTHER_TEMPLATE, 'another-token', {}, as),
    ).rejects.toMatchObject({ code: 'AccessDeniedException' });
    const own = new AwsFis({
      endpoint: rig.fis.url,
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'example' },
    });
    await expect(own.startExperiment('us-east-1', TEMPLATE, 'own-token', {})).rejects.toMatchObject({
      code: 'AccessDeniedException',
    });
    expect(rig.fis.started.filter((e) => e.experimentTemplateId === OTHER_TEMPLATE)).toHaveLength(0);
  }, 40_000);

  it('STS refuses the role: nothing is sent to FIS, the thread says why', async () => {
    const before = rig.fis.calls.filter((c) => c.op === 'StartExperiment').length;
    rig.sts.addRole(START_ROLE_ARN, ['AKIANOBODY']);
    try {
      const { root, card } = await requestRun(rig);
      await click(rig, APPROVER, card, 'fis_approve');
      await rig.slack.waitFor(() => /not started/.test(threadText(rig, root.ts)), 15_000, 'the refusal');
      expect(threadText(rig, root.ts)).toMatch(/could not assume its start-only role.*AccessDenied/);
      expect(rig.fis.calls.filter((c) => c.op === 'StartExperiment').length).toBe(before);
    } finally {
      rig.sts.addRole(START_ROLE_ARN);
    }
  }, 40_000);
});
