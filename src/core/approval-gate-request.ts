/**
 * Phase 1 of the gate: the agent asks. The bot reads the template from FIS itself, fingerprints it,
 * stores a pending approval (or refuses it by policy) and posts the card.
 */
import { randomBytes } from 'node:crypto';
import { checkInterlocks } from './approval-gate-checks.ts';
import { DO_NOT_PROCEED, type GateKit, type ToolResult } from './approval-gate-shared.ts';
import type { ApprovalInput, ApprovalRecord } from './approval-types.ts';
import type { PendingToolCall } from './events.ts';
import { FINGERPRINT_SCHEME, fingerprint } from './fingerprint.ts';
import { FisError, type FisPort } from './fis.ts';
import type { SessionRecord } from './ports.ts';
import { isKnownRegion } from './regions.ts';

export type RequestOutcome =
  | { kind: 'await'; approvalId: string }
  /** `paused`: the session was already paused for this approval id when the request failed. */
  | { kind: 'result'; result: ToolResult; paused?: string };

export async function requestApproval(
  kit: GateKit,
  session: SessionRecord,
  call: PendingToolCall,
  assistantMessage: unknown,
  requester: string,
  commandTemplateId: string | undefined,
  pause: (approvalId: string) => Promise<void>,
): Promise<RequestOutcome> {
  const { d } = kit;
  const input = parseInput(call.input);
  if (typeof input === 'string')
    return { kind: 'result', result: { decision: 'error', reason: input, instruction: DO_NOT_PROCEED } };
  let template: Awaited<ReturnType<FisPort['getTemplate']>>;
  try {
    template = await d.fis.getTemplate(input.region, input.experimentTemplateId);
  } catch (err) {
    d.log.warn({ err, templateId: input.experimentTemplateId }, 'could not read the FIS template');
    const reason = `The bot could not read template ${input.experimentTemplateId} in ${input.region}: ${err instanceof FisError ? err.code : 'error'}.`;
    await kit.postNote(session, `:warning: ${reason} No approval was requested and nothing was started.`);
    return { kind: 'result', result: { decision: 'error', reason, instruction: DO_NOT_PROCEED } };
  }
  if (!template) {
    const reason = `Experiment template ${input.experimentTemplateId} does not exist in ${input.region}.`;
    await kit.postNote(session, `:warning: ${reason} No approval was requested.`);
    return { kind: 'result', result: { decision: 'error', reason, instruction: DO_NOT_PROCEED } };
  }
  const now = kit.now();
  const rec: ApprovalRecord = {
    id: randomBytes(16).toString('base64url'),
    thread: { teamId: session.teamId, channel: session.channel, threadTs: session.threadTs },
    runtimeSessionId: session.runtimeSessionId,
    toolUseId: call.toolUseId,
    assistantMessage,
    input,
    templateId: template.id,
    region: input.region,
    fingerprint: fingerprint(template),
    fingerprintScheme: FINGERPRINT_SCHEME,
    template,
    requester,
    createdAt: now,
    expiresAt: now + d.policy.ttlMs,
    status: 'pending',
  };
  if (template.experimentOptions?.accountTargeting === 'multi-account')
    Object.assign(rec, await targetAccounts(kit, rec));
  const stopConditions = template.stopConditions.filter((s) => s.source && s.source !== 'none');
  if (stopConditions.length === 0 && !d.policy.allowNoStopConditions) {
    rec.status = 'refused';
    rec.reason =
      'The template has no stop conditions, and policy requires at least one CloudWatch alarm stop condition.';
  }
  // Alarms that can stop it and a blast radius within the limits, before anyone is asked.
  const checked = await checkInterlocks(d.interlocks, input.region, template, now);
  if (!checked.ok) {
    rec.status = 'refused';
    rec.reason = `${rec.reason ? `${rec.reason} Also, ` : ''}${capitalize(checked.error)}: the bot does not ask for approval of what it cannot check.`;
  } else {
    rec.interlocks = checked.reading;
    if (checked.reading.problems.length) {
      rec.status = 'refused';
      rec.reason = `${rec.reason ? `${rec.reason} ` : ''}${checked.reading.problems.map((p) => `${capitalize(p)}.`).join(' ')}`;
    }
  }
  await d.approvals.createApproval(rec);
  await kit.audit(
    rec,
    rec.status === 'refused' ? 'refused' : 'requested',
    requester,
    rec.reason ?? 'card posted',
  );
  if (rec.status === 'pending') await pause(rec.id);
  await attachCardFiles(kit, rec, session);
  try {
    const ts = await d.writer.post(session.channel, d.card(rec, commandTemplateId), session.threadTs);
    await d.approvals.patchApproval(rec.id, { cardTs: ts });
    if (rec.status === 'pending' && d.notify) {
      const notify = d.notify;
      void notify({ ...rec, cardTs: ts }).catch((err) =>
        d.log.warn({ err, approvalId: rec.id }, 'could not notify the approvers'),
      );
    }
  } catch (err) {
    d.log.error({ err, approvalId: rec.id }, 'could not post the approval card');
    if (rec.status === 'pending') {
      await d.approvals.transition(rec.id, 'pending', 'denied', {
        decidedBy: 'bot',
        decidedAt: kit.now(),
        reason: 'card could not be posted',
      });
      return {
        kind: 'result',
        paused: rec.id,
        result: {
          decision: 'error',
          reason: 'The approval card could not be posted in Slack.',
          instruction: DO_NOT_PROCEED,
        },
      };
    }
  }
  if (rec.status === 'refused') {
    return {
      kind: 'result',
      result: {
        decision: 'refused',
        reason: rec.reason,
        templateId: rec.templateId,
        instruction: DO_NOT_PROCEED,
      },
    };
  }
  return { kind: 'await', approvalId: rec.id };
}

/**
 * What the card cannot show goes up as a file in the thread first, one click from the card: a template
 * too large for it, and a target list longer than the first few it names. If an upload fails, the thread
 * says so: approvers must not decide on a card that cannot show everything.
 */
async function attachCardFiles(
  kit: GateKit,
  rec: ApprovalRecord,
  thread: { channel: string; threadTs: string },
): Promise<void> {
  const { d } = kit;
  const files = [
    {
      file: d.cardFile?.(rec),
      comment: `The complete FIS template for the approval card below (${rec.templateId}, every action and target).`,
      what: 'the complete template',
      failed: `:warning: *The complete template ${rec.templateId} could not be attached, and the card below cannot show all of it.* Review the template in the FIS console (fingerprint \`${rec.fingerprint}\`) before deciding, or deny.`,
    },
    {
      file: d.targetsFile?.(rec),
      comment: `Every resource the approval card below resolved for ${rec.templateId} (the card names the first few of each target).`,
      what: 'the resolved target list',
      failed:
        ':warning: *The full list of resolved targets could not be attached; the card below names only the first few of each target.* Check the targets in the AWS console before deciding, or deny.',
    },
  ];
  for (const { file, comment, what, failed } of files) {
    if (!file) continue;
    try {
      if (!d.writer.uploadFiles) throw new Error('this Slack writer cannot upload files');
      await d.writer.uploadFiles(thread.channel, thread.threadTs, [file], comment);
    } catch (err) {
      d.log.error({ err, approvalId: rec.id }, `could not attach ${what}`);
      await kit.postNote(thread, failed);
    }
  }
}

/** A multi-account template acts in every configured account: the card lists them, or says it could not. */
async function targetAccounts(
  kit: GateKit,
  rec: ApprovalRecord,
): Promise<Pick<ApprovalRecord, 'targetAccounts' | 'targetAccountsError'>> {
  try {
    return { targetAccounts: await kit.d.fis.listTargetAccounts(rec.region, rec.templateId) };
  } catch (err) {
    kit.d.log.warn({ err, templateId: rec.templateId }, 'could not list the template’s target accounts');
    return {
      targetAccountsError: err instanceof FisError ? `${err.code}: ${err.message}` : 'no answer from FIS',
    };
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function parseInput(raw: unknown): ApprovalInput | string {
  const o = (raw ?? {}) as Record<string, unknown>;
  const id = o.experimentTemplateId;
  const region = o.region;
  if (typeof id !== 'string' || !/^EXT[A-Za-z0-9]{1,61}$/.test(id))
    return 'experimentTemplateId must be an FIS template id such as EXT1a2b3c4d5e6f7.';
  if (typeof region !== 'string' || !isKnownRegion(region))
    return 'region must be an AWS Region such as us-east-1.';
  const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 2000) : '');
  return {
    experimentTemplateId: id,
    region,
    summary: text(o.summary),
    expectedImpact: text(o.expectedImpact),
  };
}
