/**
 * The human-in-the-loop gate before any FIS experiment. The agent can only *ask* (an inline tool
 * call); the bot reads the template from FIS itself, fingerprints it, posts a card, and starts the
 * experiment with its own credentials only after an authorized human clicks Approve, and only if the
 * template is still exactly what was shown. Every request, decision, start and stop is audited.
 */

import { randomBytes } from 'node:crypto';
import {
  APPROVAL_TOOL,
  type ApprovalInput,
  type ApprovalRecord,
  type ApprovalStore,
  type AuditEntry,
} from './approval-types.ts';
import type { PendingToolCall } from './events.ts';
import { fingerprint } from './fingerprint.ts';
import { FisError, type FisPort, TERMINAL_STATUSES } from './fis.ts';
import type { Logger } from './logger.ts';
import type { SessionRecord, SlackMessage, SlackWriter, ThreadFile } from './ports.ts';
import { isKnownRegion } from './regions.ts';
import { mention, slackDate } from './slack-escape.ts';

export interface ApproverDirectory {
  /** Approver user ids and user group ids as configured. */
  readonly configured: readonly string[];
  isApprover(userId: string): Promise<boolean>;
}

export interface ApprovalPolicy {
  ttlMs: number;
  allowSelfApproval: boolean;
  allowNoStopConditions: boolean;
}

export interface GateDeps {
  fis: FisPort;
  approvals: ApprovalStore;
  writer: SlackWriter;
  card: (a: ApprovalRecord, commandTemplateId?: string) => SlackMessage;
  /** The complete template as a file, when the card cannot show all of it (it says so in bold). */
  cardFile?: (a: ApprovalRecord) => ThreadFile | undefined;
  note: (text: string) => SlackMessage;
  approvers: ApproverDirectory;
  policy: ApprovalPolicy;
  log: Logger;
  now?: () => number;
}

/** What the agent receives as the tool result. */
export type ToolResult = Record<string, unknown>;

export type RequestOutcome =
  | { kind: 'await'; approvalId: string }
  /** `paused`: the session was already paused for this approval id when the request failed. */
  | { kind: 'result'; result: ToolResult; paused?: string };

export interface ClickInput {
  approvalId: string;
  action: 'approve' | 'deny' | 'stop';
  user: string;
  channel: string;
  messageTs: string;
}

const DO_NOT_PROCEED =
  'No experiment was started. Do not start it by any other means; report this outcome to the user.';

export class ApprovalGate {
  private readonly now: () => number;
  /** Resumes the paused agent turn with a tool result; set by the runner. */
  resume: (a: ApprovalRecord, result: ToolResult) => Promise<void> = async () => undefined;

  constructor(private readonly d: GateDeps) {
    this.now = d.now ?? Date.now;
  }

  /** Handles the agent's approval request at the end of a turn. */
  async request(
    session: SessionRecord,
    call: PendingToolCall,
    assistantMessage: unknown,
    requester: string,
    commandTemplateId: string | undefined,
    /** Pauses the session for this approval; called before the card is posted, so no click can come first. */
    pause: (approvalId: string) => Promise<void>,
  ): Promise<RequestOutcome> {
    const input = parseInput(call.input);
    if (typeof input === 'string')
      return { kind: 'result', result: { decision: 'error', reason: input, instruction: DO_NOT_PROCEED } };
    let template: Awaited<ReturnType<FisPort['getTemplate']>>;
    try {
      template = await this.d.fis.getTemplate(input.region, input.experimentTemplateId);
    } catch (err) {
      this.d.log.warn({ err, templateId: input.experimentTemplateId }, 'could not read the FIS template');
      const reason = `The bot could not read template ${input.experimentTemplateId} in ${input.region}: ${err instanceof FisError ? err.code : 'error'}.`;
      await this.postNote(session, `:warning: ${reason} No approval was requested and nothing was started.`);
      return { kind: 'result', result: { decision: 'error', reason, instruction: DO_NOT_PROCEED } };
    }
    if (!template) {
      const reason = `Experiment template ${input.experimentTemplateId} does not exist in ${input.region}.`;
      await this.postNote(session, `:warning: ${reason} No approval was requested.`);
      return { kind: 'result', result: { decision: 'error', reason, instruction: DO_NOT_PROCEED } };
    }
    const now = this.now();
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
      template,
      requester,
      createdAt: now,
      expiresAt: now + this.d.policy.ttlMs,
      status: 'pending',
    };
    const stopConditions = template.stopConditions.filter((s) => s.source && s.source !== 'none');
    if (stopConditions.length === 0 && !this.d.policy.allowNoStopConditions) {
      rec.status = 'refused';
      rec.reason =
        'The template has no stop conditions, and policy requires at least one CloudWatch alarm stop condition.';
    }
    await this.d.approvals.createApproval(rec);
    await this.audit(
      rec,
      rec.status === 'refused' ? 'refused' : 'requested',
      requester,
      rec.reason ?? 'card posted',
    );
    if (rec.status === 'pending') await pause(rec.id);
    await this.attachFullTemplate(rec, session);
    try {
      const ts = await this.d.writer.post(
        session.channel,
        this.d.card(rec, commandTemplateId),
        session.threadTs,
      );
      await this.d.approvals.patchApproval(rec.id, { cardTs: ts });
    } catch (err) {
      this.d.log.error({ err, approvalId: rec.id }, 'could not post the approval card');
      if (rec.status === 'pending') {
        await this.d.approvals.transition(rec.id, 'pending', 'denied', {
          decidedBy: 'bot',
          decidedAt: this.now(),
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
   * A template too large for the card goes up as a file first, so the card can point at it. If the
   * upload fails, the thread says so: approvers must not decide on a card that cannot show everything.
   */
  private async attachFullTemplate(rec: ApprovalRecord, thread: { channel: string; threadTs: string }) {
    const file = this.d.cardFile?.(rec);
    if (!file) return;
    try {
      if (!this.d.writer.uploadFiles) throw new Error('this Slack writer cannot upload files');
      await this.d.writer.uploadFiles(
        thread.channel,
        thread.threadTs,
        [file],
        `The complete FIS template for the approval card below (${rec.templateId}, every action and target).`,
      );
    } catch (err) {
      this.d.log.error({ err, approvalId: rec.id }, 'could not attach the complete template');
      await this.d.writer
        .post(
          thread.channel,
          this.d.note(
            `:warning: *The complete template ${rec.templateId} could not be attached, and the card below cannot show all of it.* Review the template in the FIS console (fingerprint \`${rec.fingerprint}\`) before deciding, or deny.`,
          ),
          thread.threadTs,
        )
        .catch(() => undefined);
    }
  }

  /** Keeps results for the paused message's other inline calls, to send along on resume. */
  async attachSiblingResults(
    approvalId: string,
    results: Array<{ toolUseId: string; result: ToolResult }>,
  ): Promise<void> {
    await this.d.approvals.patchApproval(approvalId, { siblingResults: results });
  }

  /** A button click on a card. `tell` answers the clicker privately. */
  async click(c: ClickInput, tell: (text: string) => Promise<void>): Promise<void> {
    let rec = await this.d.approvals.getApproval(c.approvalId);
    // A click can beat the bookkeeping of the card's own ts by a few milliseconds; wait for it briefly.
    for (let i = 0; rec && !rec.cardTs && i < 20; i++) {
      await new Promise((r) => setTimeout(r, 100));
      rec = await this.d.approvals.getApproval(c.approvalId);
    }
    if (!rec) {
      this.d.log.warn({ click: c }, 'click for an unknown approval');
      await tell('This approval does not exist. Nothing was changed.');
      return;
    }
    if (rec.thread.channel !== c.channel || rec.cardTs !== c.messageTs) {
      await this.audit(
        rec,
        'rejected_click',
        c.user,
        `button value replayed from another message (${c.channel}/${c.messageTs})`,
      );
      await tell('That button does not belong to this approval card. Nothing was changed.');
      return;
    }
    const approver = await this.d.approvers.isApprover(c.user);
    if (c.action === 'stop') return this.emergencyStop(rec, c.user, approver, tell);
    if (c.action === 'deny' && !approver && c.user !== rec.requester) {
      await this.audit(
        rec,
        'rejected_click',
        c.user,
        'deny by someone who is neither an approver nor the requester',
      );
      await tell('Only an approver or the requester can deny this experiment. Nothing was changed.');
      return;
    }
    if (c.action === 'approve') {
      if (!approver) {
        await this.audit(rec, 'rejected_click', c.user, 'approve by a non-approver');
        await tell(
          `You are not an approver for FIS experiments. Approvers: ${this.d.approvers.configured.map(mention).join(' ')}. Nothing was changed.`,
        );
        return;
      }
      if (c.user === rec.requester && !this.d.policy.allowSelfApproval) {
        await this.audit(rec, 'rejected_click', c.user, 'self-approval');
        await tell('You requested this run, so someone else has to approve it. Nothing was changed.');
        return;
      }
    }
    if (rec.status !== 'pending') {
      await tell(alreadyDecided(rec));
      return;
    }
    if (this.now() >= rec.expiresAt) {
      await this.expire(rec);
      await tell('This approval expired before your click. Nothing was started.');
      return;
    }
    if (c.action === 'deny') return this.deny(rec, c.user, tell);
    return this.approve(rec, c.user, tell);
  }

  /** Expires overdue approvals and follows running experiments. Safe to run on every replica. */
  async sweep(): Promise<void> {
    for (const rec of await this.d.approvals.listExpired(this.now())) await this.expire(rec);
    for (const rec of await this.d.approvals.listRunning()) await this.follow(rec);
  }

  private async approve(
    rec: ApprovalRecord,
    user: string,
    tell: (t: string) => Promise<void>,
  ): Promise<void> {
    const now = this.now();
    const approved = await this.d.approvals.transition(
      rec.id,
      'pending',
      'approved',
      { decidedBy: user, decidedAt: now },
      now,
    );
    if (!approved) {
      const latest = await this.d.approvals.getApproval(rec.id);
      await tell(
        latest ? alreadyDecided(latest) : 'This approval is no longer pending. Nothing was changed.',
      );
      return;
    }
    await this.audit(approved, 'approved', user, 'approved');
    await this.updateCard(approved);
    // The template must still be exactly what the approver saw.
    let current: Awaited<ReturnType<FisPort['getTemplate']>>;
    try {
      current = await this.d.fis.getTemplate(approved.region, approved.templateId);
    } catch (err) {
      return this.startFailed(
        approved,
        `could not re-read the template (${err instanceof FisError ? err.code : 'error'})`,
      );
    }
    const now2 = this.now();
    if (!current || fingerprint(current) !== approved.fingerprint) {
      const done = await this.d.approvals.transition(approved.id, 'approved', 'invalidated', {
        reason: current ? 'template changed after the approval was requested' : 'template was deleted',
      });
      if (!done) return;
      await this.audit(
        done,
        'invalidated',
        'bot',
        done.reason ?? 'fingerprint mismatch',
        current ? fingerprint(current) : undefined,
      );
      await this.updateCard(done);
      await this.postNote(
        rec,
        `:warning: The template changed after the approval card was posted, so the bot did not start it (approved by ${mention(user)}).`,
      );
      await this.resume(done, {
        decision: 'denied',
        reason:
          'The experiment template changed after approval was requested, so the approval no longer applies. Ask for approval again if the change is intended.',
        templateId: done.templateId,
        instruction: DO_NOT_PROCEED,
      });
      return;
    }
    try {
      const exp = await this.d.fis.startExperiment(approved.region, approved.templateId, approved.id, {
        'agentcore-slack-bot:approval-id': approved.id,
        'agentcore-slack-bot:approved-by': user,
        'agentcore-slack-bot:requested-by': approved.requester,
      });
      const started = await this.d.approvals.transition(approved.id, 'approved', 'started', {
        experimentId: exp.id,
        experimentStatus: exp.status,
      });
      if (!started) return;
      await this.audit(started, 'started', user, `experiment ${exp.id} ${exp.status}`, undefined, exp.id);
      await this.updateCard(started);
      await this.postNote(
        rec,
        `:rocket: Experiment \`${exp.id}\` started from template \`${started.templateId}\` (approved by ${mention(user)} ${slackDate(now2)}).`,
      );
      await this.resume(started, {
        decision: 'approved',
        experimentId: exp.id,
        experimentStatus: exp.status,
        templateId: started.templateId,
        region: started.region,
        approver: user,
        approvedAt: iso(now),
        instruction:
          'The bot started the experiment. Monitor it read-only with `aws fis get-experiment`, stop it with `aws fis stop-experiment` if a stop condition or the user requires it, and report.',
      });
    } catch (err) {
      this.d.log.error({ err, approvalId: approved.id }, 'StartExperiment failed');
      await this.startFailed(
        approved,
        err instanceof FisError ? `${err.code}: ${err.message}` : 'unknown error',
      );
    }
  }

  private async startFailed(rec: ApprovalRecord, reason: string): Promise<void> {
    const failed = await this.d.approvals.transition(rec.id, 'approved', 'start_failed', { reason });
    if (!failed) return;
    await this.audit(failed, 'start_failed', 'bot', reason);
    await this.updateCard(failed);
    await this.resume(failed, {
      decision: 'error',
      reason: `FIS did not start the experiment: ${reason}`,
      instruction: DO_NOT_PROCEED,
    });
  }

  private async deny(rec: ApprovalRecord, user: string, tell: (t: string) => Promise<void>): Promise<void> {
    const denied = await this.d.approvals.transition(rec.id, 'pending', 'denied', {
      decidedBy: user,
      decidedAt: this.now(),
    });
    if (!denied) {
      const latest = await this.d.approvals.getApproval(rec.id);
      await tell(latest ? alreadyDecided(latest) : 'This approval is no longer pending.');
      return;
    }
    await this.audit(denied, 'denied', user, 'denied');
    await this.updateCard(denied);
    await this.postNote(
      denied,
      `:no_entry: ${mention(user)} denied experiment template \`${denied.templateId}\`. Nothing was started.`,
    );
    await this.resume(denied, {
      decision: 'denied',
      deniedBy: user,
      reason: 'A human denied the request.',
      instruction: DO_NOT_PROCEED,
    });
  }

  private async expire(rec: ApprovalRecord): Promise<void> {
    const expired = await this.d.approvals.transition(rec.id, 'pending', 'expired', {
      decidedBy: 'bot',
      decidedAt: this.now(),
    });
    if (!expired) return;
    await this.audit(expired, 'expired', 'bot', 'no decision before expiry');
    await this.updateCard(expired);
    await this.postNote(
      expired,
      `:alarm_clock: The approval for \`${expired.templateId}\` expired without a decision. Nothing was started.`,
    );
    await this.resume(expired, {
      decision: 'expired',
      reason: 'Nobody approved the request before it expired.',
      instruction: DO_NOT_PROCEED,
    });
  }

  private async emergencyStop(
    rec: ApprovalRecord,
    user: string,
    approver: boolean,
    tell: (t: string) => Promise<void>,
  ) {
    if (!approver && user !== rec.requester) {
      await this.audit(
        rec,
        'rejected_click',
        user,
        'emergency stop by someone who is neither an approver nor the requester',
      );
      await tell(
        'Only the requester or an approver can stop this experiment from Slack. Stop it in the AWS FIS console if it is urgent.',
      );
      return;
    }
    if (rec.status !== 'started' || !rec.experimentId) {
      await tell('No experiment is running for this card.');
      return;
    }
    try {
      const exp = await this.d.fis.stopExperiment(rec.region, rec.experimentId);
      await this.d.approvals.patchApproval(rec.id, { stoppedBy: user, experimentStatus: exp.status });
      await this.audit(rec, 'stop_requested', user, `experiment ${exp.status}`, undefined, rec.experimentId);
      await this.updateCard({ ...rec, stoppedBy: user, experimentStatus: exp.status });
      await this.postNote(
        rec,
        `:octagonal_sign: Emergency stop of \`${rec.experimentId}\` requested by ${mention(user)}.`,
      );
    } catch (err) {
      const code = err instanceof FisError ? err.code : 'error';
      await this.audit(rec, 'stop_requested', user, `failed: ${code}`, undefined, rec.experimentId);
      await tell(
        code === 'ConflictException'
          ? 'The experiment has already ended.'
          : `FIS did not accept the stop (${code}). Stop it in the AWS FIS console now.`,
      );
    }
  }

  /** Refreshes a running experiment's state on its card. */
  private async follow(rec: ApprovalRecord): Promise<void> {
    if (!rec.experimentId) return;
    const exp = await this.d.fis.getExperiment(rec.region, rec.experimentId).catch((err) => {
      this.d.log.warn({ err, experimentId: rec.experimentId }, 'could not read the experiment');
      return undefined;
    });
    if (!exp || exp.status === rec.experimentStatus) return;
    const next = { ...rec, experimentStatus: exp.status };
    if (TERMINAL_STATUSES.has(exp.status)) await this.d.approvals.markEnded(rec.id, exp.status);
    else await this.d.approvals.patchApproval(rec.id, { experimentStatus: exp.status });
    await this.audit(rec, 'experiment_state', 'fis', exp.status, undefined, rec.experimentId);
    await this.updateCard(next);
    if (TERMINAL_STATUSES.has(exp.status)) {
      await this.postNote(
        rec,
        `Experiment \`${rec.experimentId}\` is *${exp.status}*${exp.reason ? `: ${exp.reason}` : '.'}`,
      );
    }
  }

  private async updateCard(rec: ApprovalRecord): Promise<void> {
    if (!rec.cardTs) return;
    await this.d.writer
      .update(rec.thread.channel, rec.cardTs, this.d.card(rec))
      .catch((err) => this.d.log.warn({ err, approvalId: rec.id }, 'could not update the approval card'));
  }

  private async postNote(
    where: { channel?: string; threadTs?: string; thread?: { channel: string; threadTs: string } },
    text: string,
  ) {
    const channel = where.thread?.channel ?? where.channel!;
    const threadTs = where.thread?.threadTs ?? where.threadTs!;
    await this.d.writer
      .post(channel, this.d.note(text), threadTs)
      .catch((err) => this.d.log.warn({ err }, 'could not post a note'));
  }

  private async audit(
    rec: ApprovalRecord,
    action: AuditEntry['action'],
    actor: string,
    outcome: string,
    fp?: string,
    experimentId?: string,
  ): Promise<void> {
    const entry: AuditEntry = {
      at: this.now(),
      action,
      actor,
      outcome,
      fingerprint: fp ?? rec.fingerprint,
      ...(experimentId ? { experimentId } : {}),
    };
    this.d.log.info(
      { audit: true, approvalId: rec.id, templateId: rec.templateId, thread: rec.thread, ...entry },
      `approval ${action}`,
    );
    await this.d.approvals
      .audit(rec.id, entry)
      .catch((err) => this.d.log.error({ err }, 'could not store an audit entry'));
  }
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

function alreadyDecided(a: ApprovalRecord): string {
  if (a.status === 'expired') return 'This approval already expired. Nothing was changed.';
  if (a.status === 'refused') return 'Policy already refused this experiment. Nothing was changed.';
  const by = a.decidedBy && a.decidedBy !== 'bot' ? ` by ${mention(a.decidedBy)}` : '';
  return `This request was already ${a.status.replace('_', ' ')}${by}. Nothing was changed.`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function isApprovalCall(call: PendingToolCall): boolean {
  return call.name === APPROVAL_TOOL;
}
