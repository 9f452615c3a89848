/**
 * The interlocks the approval gate checks before a card is posted and again right before the start:
 * stop-condition alarms that can actually stop (stop-alarms.ts) and the blast radius resolved the way
 * FIS will resolve it, within the configured limits (blast-radius.ts). The result is stored on the
 * approval, shown on the card, and compared at start.
 */
import { AlarmError, type AlarmPort } from './alarms.ts';
import {
  type BlastRadius,
  limitProblems,
  type RadiusChange,
  type RadiusLimits,
  radiusChange,
  resolveBlastRadius,
  shortArn,
} from './blast-radius.ts';
import type { FisTemplate } from './fis.ts';
import { type AlarmPolicy, type AlarmReading, alarmProblems, readStopAlarms } from './stop-alarms.ts';
import { TaggingError, type TaggingPort } from './tagging.ts';
import { type ResourceDescriptionPort, type TargetHealthPort, TargetReadError } from './target-health.ts';

export interface InterlockDeps {
  alarms: AlarmPort;
  tagging: TaggingPort;
  /** Resource descriptions (filters, AZs); a type it does not describe is resolved from tags alone. */
  descriptions?: ResourceDescriptionPort;
  /** Target health after the experiment; a type it does not check is "not checked" in the verdict. */
  health?: TargetHealthPort;
  alarmPolicy: AlarmPolicy;
  limits: RadiusLimits;
}

/** What the bot saw when it checked (stored on the approval and shown on the card). */
export interface InterlockReading {
  checkedAt: number;
  alarms: AlarmReading[];
  radius: BlastRadius;
  limits: RadiusLimits;
  /** Why this reading forbids going ahead; empty when it allows it. */
  problems: string[];
}

export type InterlockOutcome = { ok: true; reading: InterlockReading } | { ok: false; error: string };

export async function checkInterlocks(
  d: InterlockDeps,
  region: string,
  t: FisTemplate,
  now: number,
): Promise<InterlockOutcome> {
  let alarms: AlarmReading[];
  try {
    alarms = await readStopAlarms(d.alarms, region, t);
  } catch (err) {
    return {
      ok: false,
      error: `the bot could not read the stop-condition alarms in CloudWatch (${describe(err)})`,
    };
  }
  let radius: BlastRadius;
  try {
    radius = await resolveBlastRadius(d.tagging, region, t, d.descriptions);
  } catch (err) {
    return {
      ok: false,
      error: `the bot could not resolve the targets ${err instanceof TargetReadError ? 'from their descriptions' : 'through the Resource Groups Tagging API'} (${describe(err)})`,
    };
  }
  return {
    ok: true,
    reading: {
      checkedAt: now,
      alarms,
      radius,
      limits: d.limits,
      problems: [...alarmProblems(alarms, d.alarmPolicy), ...limitProblems(radius, d.limits)],
    },
  };
}

/** The targets grew or changed since the card: a difference that forbids the start. */
export function blockingChange(c: RadiusChange): string[] {
  const list = (arns: string[]) =>
    `${arns
      .slice(0, 5)
      .map((a) => `\`${shortArn(a)}\``)
      .join(', ')}${arns.length > 5 ? ` and ${arns.length - 5} more` : ''}`;
  return [
    ...c.added.map(
      (a) =>
        `target \`${a.target}\` now also matches ${a.arns.length} resource(s) the card did not show: ${list(a.arns)}`,
    ),
    ...c.other,
  ];
}

/** Resources shown on the card that are gone: allowed (the start acts on fewer), and said. */
export function shrinkNote(c: RadiusChange): string | undefined {
  if (c.removed.length === 0) return undefined;
  return c.removed
    .map(
      (r) =>
        `target \`${r.target}\` no longer matches ${r.arns.length} resource(s) shown on the card (${r.arns
          .slice(0, 5)
          .map((a) => `\`${shortArn(a)}\``)
          .join(', ')}${r.arns.length > 5 ? ', …' : ''})`,
    )
    .join('; ');
}

export { radiusChange };

function describe(err: unknown): string {
  if (err instanceof AlarmError || err instanceof TaggingError || err instanceof TargetReadError)
    return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
