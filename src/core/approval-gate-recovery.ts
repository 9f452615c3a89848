/**
 * Recovery verified: after an experiment ends (completed, stopped, failed, cancelled) the bot watches
 * its stop-condition alarms until all are OK again or the configured time runs out, and says so in the
 * thread: "recovered in N min" (from CloudWatch's state history, so a recovery before the bot looked
 * counts from when it happened), or "not recovered" with the alarms still failing, paging the
 * approvers (mention in the thread and a direct message each). The agent is told the verdict in its
 * session, so its report agrees with what the bot measured.
 *
 * The watch runs in the replica that saw the end; a replica stopping mid-watch leaves the verdict
 * `watching` on the record (said in the report, not retried).
 */
import type { GateKit } from './approval-gate-shared.ts';
import type { ApprovalRecord, RecoveryVerdict } from './approval-types.ts';
import { humanDuration } from './fis-plan.ts';
import { mention } from './slack-escape.ts';
import { readStopAlarms, stopAlarmArns } from './stop-alarms.ts';

/** Starts the watch; returns at once (the sweep that saw the end must not wait for recovery). */
export function watchRecovery(kit: GateKit, rec: ApprovalRecord): void {
  if (!kit.d.recovery || rec.recovery) return;
  void verify(kit, rec).catch((err) =>
    kit.d.log.error({ err, approvalId: rec.id }, 'recovery verification failed'),
  );
}

async function verify(kit: GateKit, rec: ApprovalRecord): Promise<void> {
  const { d } = kit;
  const settings = d.recovery!;
  const endedAt = kit.now();
  const deadline = endedAt + settings.withinMs;
  const pollMs = settings.pollMs ?? Math.min(30_000, Math.max(200, Math.floor(settings.withinMs / 20)));
  if (stopAlarmArns(rec.template).length === 0) {
    await settle(
      kit,
      rec,
      { status: 'unknown', endedAt, deadline },
      'it has no stop-condition alarms to judge recovery by',
    );
    return;
  }
  await d.approvals.patchApproval(rec.id, { recovery: { status: 'watching', endedAt, deadline } });
  let last: string[] = [];
  for (;;) {
    try {
      const readings = await readStopAlarms(d.interlocks.alarms, rec.region, rec.template);
      last = readings
        .filter((r) => r.state !== 'OK')
        .map((r) => `\`${r.name}\` ${r.state === 'MISSING' ? 'missing' : r.state}`);
      if (last.length === 0) {
        const afterMs = await recoveredAfter(
          kit,
          rec,
          readings.map((r) => r.name),
          endedAt,
        );
        await settle(kit, rec, { status: 'recovered', endedAt, deadline, afterMs });
        return;
      }
    } catch (err) {
      d.log.warn({ err, approvalId: rec.id }, 'could not read the stop-condition alarms for recovery');
      last = ['the alarms could not be read from CloudWatch'];
    }
    if (kit.now() >= deadline) {
      await settle(kit, rec, { status: 'not_recovered', endedAt, deadline, stillFailing: last });
      return;
    }
    await new Promise((r) => setTimeout(r, pollMs).unref());
  }
}

/** When the last alarm came back to OK, relative to the end (0 when none left OK during the experiment). */
async function recoveredAfter(
  kit: GateKit,
  rec: ApprovalRecord,
  names: string[],
  endedAt: number,
): Promise<number> {
  const since = rec.decidedAt ?? rec.createdAt;
  let lastOk = 0;
  for (const name of names) {
    const changes = await kit.d.interlocks.alarms.stateHistory(rec.region, name, since).catch(() => []);
    for (const c of changes) if (c.to === 'OK') lastOk = Math.max(lastOk, c.at);
  }
  return Math.max(0, lastOk - endedAt);
}

async function settle(
  kit: GateKit,
  rec: ApprovalRecord,
  verdict: RecoveryVerdict,
  why?: string,
): Promise<void> {
  const { d } = kit;
  await d.approvals.patchApproval(rec.id, { recovery: verdict });
  const exp = `\`${rec.experimentId}\``;
  const within = humanDuration(Math.max(1, (verdict.deadline - verdict.endedAt) / 1000));
  let text: string;
  let agent: string;
  if (verdict.status === 'recovered') {
    const after = verdict.afterMs ?? 0;
    const when = after > 0 ? `${humanDuration(after / 1000)} after it ended` : 'already when it ended';
    text = `:white_check_mark: *Recovered:* every stop-condition alarm of experiment ${exp} was OK again ${when} (the bot allows ${within}).`;
    agent = `Recovered: every stop-condition alarm was OK again ${when}.`;
  } else if (verdict.status === 'not_recovered') {
    const failing = (verdict.stillFailing ?? []).join(', ');
    const who = [...d.approvers.configured, rec.requester].map(mention).join(' ');
    text = `:sos: *Not recovered:* ${within} after experiment ${exp} ended, ${failing} ${verdict.stillFailing?.length === 1 ? 'is' : 'are'} still not OK. ${who}: check the service now (on-call: the approvers and ${mention(rec.requester)}).`;
    agent = `Not recovered: ${within} after the experiment ended, ${failing.replace(/`/g, '')} still not OK. The approvers were paged.`;
  } else {
    text = `:grey_question: Recovery of experiment ${exp} cannot be verified: ${why}.`;
    agent = `Recovery could not be verified: ${why}.`;
  }
  await kit.audit(rec, 'recovery', 'bot', agent, undefined, rec.experimentId);
  await kit.postNote(rec, text);
  if (verdict.status === 'not_recovered') await page(kit, rec, text);
  await kit.inform(
    rec,
    `[Bot measurement, not a user message] ${agent} Use this verdict in your report; do not contradict it.`,
  );
}

/** A direct message to each approver user (groups cannot be messaged; they were mentioned in the thread). */
async function page(kit: GateKit, rec: ApprovalRecord, text: string): Promise<void> {
  const users = kit.d.approvers.configured.filter((id) => /^[UW]/.test(id));
  const link = `(approval \`${rec.id}\`)`;
  for (const user of users) {
    await kit.d.writer
      .post(user, kit.d.note(`${text} ${link}`))
      .catch((err) => kit.d.log.error({ err, user, approvalId: rec.id }, 'could not page an approver by DM'));
  }
}
