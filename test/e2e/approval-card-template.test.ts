/**
 * A template too large for one Slack message: the complete template is attached in the thread
 * before the card, and the card says in bold what it does not show (issue 12, item 4).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fisExecuteAgent } from '../../src/stand-ins/scenarios.ts';
import { approvalId, type Card, cardJson, click, resumeIn, settle, threadText } from '../helpers/approval.ts';
import { longChain, multiAccount, TARGET_ACCOUNTS } from '../helpers/fis-templates.ts';
import { APPROVER, CHANNEL, commandRoot, type Rig, startRig } from '../helpers/rig.ts';

describe('the approval card for a template that does not fit', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ env: { REPORT_FILES: 'off' } });
  });
  afterAll(async () => {
    await rig.close();
  });

  it('attaches every action and target before the card, and the card says so in bold', async () => {
    const template = longChain(150);
    rig.fis.addTemplate({ ...template, tags: { Name: 'long' } } as never);
    rig.harness.enqueue(fisExecuteAgent(template.id, 'us-east-1'));
    const root = await commandRoot(rig, { command: '/fis', text: `run ${template.id} us-east-1` });
    const card = await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, root.ts).find((m) => m.text.includes('FIS experiment:')),
      15_000,
      'the approval card',
    );
    const upload = rig.slack.callsTo('files.completeUploadExternal').at(-1);
    expect(upload, 'the complete template was uploaded').toBeDefined();
    expect(upload!.at).toBeLessThanOrEqual(
      rig.slack.callsTo('chat.postMessage').find((c) => String(c.params.text).includes('FIS experiment:'))!
        .at,
    );
    const blocks = JSON.stringify(card.blocks);
    expect(blocks).toMatch(/\*Not shown in full on this card: [^*]+\*/);
    expect(blocks).toContain(`fis-template-${template.id}.md`);
    const file = rig.slack
      .replies(CHANNEL, root.ts)
      .flatMap((m) => m.files ?? [])
      .find((f) => f.name === `fis-template-${template.id}.md`);
    expect(file?.content).toContain('aws:ec2:terminate-instances');
    expect(file?.content).toContain('| wait149 |');
  });

  it('when the template cannot be attached, the thread says so in bold before anyone decides', async () => {
    const template = { ...longChain(150), id: 'EXTlongchain0009' };
    rig.fis.addTemplate({ ...template, tags: { Name: 'long' } } as never);
    rig.slack.failNext('files.getUploadURLExternal', 'file_uploads_disabled', 5);
    rig.harness.enqueue(fisExecuteAgent(template.id, 'us-east-1'));
    const root = await commandRoot(rig, { command: '/fis', text: `run ${template.id} us-east-1` });
    await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, root.ts).some((m) => m.text.includes('FIS experiment:')),
      15_000,
      'the approval card',
    );
    expect(threadText(rig, root.ts)).toContain(
      `The complete template ${template.id} could not be attached, and the card below cannot show all of it.`,
    );
  });

  it('a multi-account template: the card lists the target accounts FIS has for it; if FIS will not say, the card says so in bold', async () => {
    const template = multiAccount();
    rig.fis.addTemplate(template as never);
    for (const c of TARGET_ACCOUNTS) rig.fis.addTargetAccount(template.id, c as never);
    const cardFor = async () => {
      rig.harness.enqueue(fisExecuteAgent(template.id, 'us-east-1'));
      const root = await commandRoot(rig, { command: '/fis', text: `run ${template.id} us-east-1` });
      const card = await rig.slack.waitFor(
        () => rig.slack.replies(CHANNEL, root.ts).find((m) => m.text.includes('FIS experiment:')),
        15_000,
        'the approval card',
      );
      return JSON.stringify(card.blocks);
    };
    const listed = await cardFor();
    expect(listed).toContain('*Target accounts (2, it acts in each)*');
    for (const c of TARGET_ACCOUNTS)
      expect(listed).toContain(`account \`${c.accountId}\` as role \`${c.roleArn}\``);
    expect(rig.fis.calls.some((c) => c.op === 'ListTargetAccountConfigurations')).toBe(true);

    rig.fis.failOperation('ListTargetAccountConfigurations', {
      status: 400,
      type: 'ValidationException',
      message: 'Rate exceeded for this template.',
    });
    const unlisted = await cardFor();
    expect(unlisted).toMatch(
      /\*Multi-account experiment: the bot could not list its target accounts \(ValidationException[^*]+\*/,
    );
    expect(unlisted).not.toContain('*Target accounts');
  });

  it('a target account added after the card was posted: approving starts nothing, and card, thread and agent say why', async () => {
    const template = { ...multiAccount(), id: 'EXTmultiacct0002' };
    rig.fis.addTemplate(template as never);
    for (const c of TARGET_ACCOUNTS) rig.fis.addTargetAccount(template.id, c as never);
    rig.harness.enqueue(fisExecuteAgent(template.id, 'us-east-1'));
    const known = new Set(rig.harness.invocations.map((i) => i.sessionId));
    const root = await commandRoot(rig, { command: '/fis', text: `run ${template.id} us-east-1` });
    const card = (await rig.slack.waitFor(
      () => rig.slack.replies(CHANNEL, root.ts).find((m) => m.text.includes('FIS experiment:')),
      15_000,
      'the approval card',
    )) as unknown as Card;
    const session = rig.harness.invocations.find((i) => !known.has(i.sessionId))!.sessionId;
    rig.fis.addTargetAccount(template.id, {
      accountId: '999988887777',
      roleArn: 'arn:aws:iam::999988887777:role/fis-target',
    });
    await click(rig, APPROVER, { ...card, blocks: [...card.blocks] }, 'fis_approve', approvalId(card));
    await rig.slack.waitFor(
      () => /target accounts changed/.test(cardJson(rig, card)),
      15_000,
      'the card to say the target accounts changed',
    );
    expect(cardJson(rig, card)).toContain('999988887777');
    expect(threadText(rig, root.ts)).toMatch(/target accounts changed after the approval was requested/);
    await rig.slack.waitFor(() => resumeIn(rig, session), 15_000, 'the agent to be told');
    expect(resumeIn(rig, session)).toMatchObject({ decision: 'denied' });
    await settle();
    expect(rig.fis.started.filter((e) => e.experimentTemplateId === template.id)).toHaveLength(0);
  });
});
