/**
 * The interlock part of the approval card: each stop-condition alarm with the state the bot read,
 * and the blast radius as resolved (how many resources of how many, which ones, which AZs, what
 * share), with the configured limits. Pure: the reading in, mrkdwn lines out.
 */
import type { InterlockReading } from '../core/approval-gate-checks.ts';
import type { ApprovalRecord } from '../core/approval-types.ts';
import { type ResolvedTarget, share, shortArn } from '../core/blast-radius.ts';
import type { ThreadFile } from '../core/ports.ts';
import { slackDate } from '../core/slack-escape.ts';
import type { AlarmReading } from '../core/stop-alarms.ts';
import { escapeMrkdwn } from './blocks.ts';

/** How many resources of a target are named on the card; the rest are counted. */
const SHOWN = 5;

const STATE_ICON: Record<AlarmReading['state'], string> = {
  OK: ':large_green_circle:',
  ALARM: ':red_circle:',
  INSUFFICIENT_DATA: ':white_circle:',
  MISSING: ':x:',
  NOT_AN_ALARM: ':x:',
};

/** The stop-condition section: every alarm with its state as read from CloudWatch. */
export function alarmText(r: InterlockReading): string {
  if (r.alarms.length === 0)
    return ':warning: *Stop conditions: none.* Nothing stops this experiment automatically if the service degrades.';
  const lines = r.alarms.map((a) => {
    const state =
      a.state === 'MISSING' ? 'does not exist' : a.state === 'NOT_AN_ALARM' ? 'not an alarm ARN' : a.state;
    const why = a.reason ? ` _${escapeMrkdwn(a.reason.slice(0, 120))}_` : '';
    return `• ${STATE_ICON[a.state]} \`${escapeMrkdwn(a.name)}\` *${state}*${why}`;
  });
  return `*Stop conditions* (CloudWatch alarms, read ${slackDate(r.checkedAt)}; each must be OK)\n${lines.join('\n')}`;
}

/** The resolved blast radius, one entry per target, then the limits. */
export function radiusLines(r: InterlockReading): string[] {
  const lines = r.radius.targets.map(targetLine);
  const limits: string[] = [];
  if (r.limits.maxPercent !== undefined) limits.push(`at most ${r.limits.maxPercent}% of a target`);
  if (r.limits.maxAzs !== undefined)
    limits.push(`at most ${r.limits.maxAzs} AZ${r.limits.maxAzs > 1 ? 's' : ''}`);
  lines.push(
    limits.length
      ? `_Limits: ${limits.join(', ')}. Checked again right before the start; if the set grew, the bot refuses to start it._`
      : '_No blast-radius limits configured. Targets are resolved again right before the start; if the set grew, the bot refuses to start it._',
  );
  return lines;
}

function targetLine(t: ResolvedTarget): string {
  const head = `• *${escapeMrkdwn(t.name)}* (${escapeMrkdwn(t.resourceType)}, ${escapeMrkdwn(t.selectionMode)})`;
  const azs = t.azs
    ? `AZ${t.azs.length > 1 ? 's' : ''} ${t.azs.map(escapeMrkdwn).join(', ')}`
    : 'AZs not known';
  if (t.how === 'unresolved')
    return `${head}: :warning: ${escapeMrkdwn(t.caveat ?? 'not resolvable by the bot')}. ${azs}.`;
  const named = t.pool.slice(0, SHOWN).map((a) => `\`${escapeMrkdwn(shortArn(a))}\``);
  const rest =
    t.pool.length > SHOWN
      ? ` and ${t.pool.length - SHOWN} more (all ${t.pool.length} in the file *resolved targets* above)`
      : '';
  const from = t.how === 'tags' ? 'matched by tags now' : 'listed in the template';
  const caveat = t.caveat ? `\n   :warning: ${escapeMrkdwn(t.caveat)}` : '';
  if (t.pool.length === 0)
    return `${head}: :warning: *no resource ${from}* (FIS fails or skips an empty target). ${azs}.${caveat}`;
  return `${head}: acts on *${t.selected} of ${t.pool.length}* (${share(t)}) ${from}: ${named.join(', ')}${rest}. ${azs}.${caveat}`;
}

/** Every resolved resource of every target, when some target has more than the card names; undefined otherwise. */
export function targetsFile(a: ApprovalRecord): ThreadFile | undefined {
  const r = a.interlocks;
  if (!r?.radius.targets.some((t) => t.pool.length > SHOWN)) return undefined;
  const lines = [
    `# Resolved targets of FIS template ${a.templateId} (${a.region})`,
    '',
    `Approval ${a.id}, resolved ${new Date(r.checkedAt).toISOString()}. Resolved again right before the start; if the set grew, the bot refuses to start.`,
  ];
  for (const t of r.radius.targets) {
    lines.push(
      '',
      `## ${t.name} (${t.resourceType}, ${t.selectionMode}): acts on ${t.selected} of ${t.pool.length} (${share(t)})`,
      ...(t.azs ? [`AZs: ${t.azs.join(', ')}`] : []),
      ...(t.caveat ? [`Note: ${t.caveat}`] : []),
      '',
      ...t.pool.map((arn) => `- ${arn}`),
    );
  }
  return {
    filename: `resolved-targets-${a.id}.md`,
    title: 'resolved targets',
    content: `${lines.join('\n')}\n`,
  };
}
