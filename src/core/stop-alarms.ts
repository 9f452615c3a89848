/**
 * Stop conditions that can actually stop: each CloudWatch alarm a template names must exist and be OK
 * before anyone is asked, and again right before the start. An alarm already in ALARM fires at once
 * (or means the system is already unhealthy); one with INSUFFICIENT_DATA cannot fire at all; a
 * missing one never fires. Either of the first two may be allowed by policy; a missing one never is.
 */
import { type AlarmPort, type AlarmState, parseAlarmArn } from './alarms.ts';
import type { FisTemplate } from './fis.ts';

export interface AlarmReading {
  /** As the template names it (an alarm ARN). */
  arn: string;
  name: string;
  state: AlarmState | 'MISSING' | 'NOT_AN_ALARM';
  reason?: string;
}

export interface AlarmPolicy {
  /** Let an approval proceed while a stop-condition alarm is in ALARM. */
  allowAlarm: boolean;
  /** Let an approval proceed while a stop-condition alarm has INSUFFICIENT_DATA. */
  allowInsufficientData: boolean;
}

/** The template's CloudWatch alarm stop conditions (the only source FIS supports besides `none`). */
export function stopAlarmArns(t: FisTemplate): string[] {
  return t.stopConditions
    .filter((s) => s.source === 'aws:cloudwatch:alarm')
    .map((s) => s.value ?? '')
    .filter((v, i, all) => all.indexOf(v) === i);
}

/** Reads each stop-condition alarm in the experiment's region. Throws the port's error when CloudWatch cannot be asked. */
export async function readStopAlarms(
  port: AlarmPort,
  region: string,
  t: FisTemplate,
): Promise<AlarmReading[]> {
  const arns = stopAlarmArns(t);
  const parsed = arns.map((arn) => ({ arn, p: parseAlarmArn(arn) }));
  // An alarm in another Region (or not an alarm ARN) cannot be one FIS watches for this experiment.
  const here = parsed.filter((x) => x.p && x.p.region === region);
  const found = here.length
    ? await port.describeAlarms(
        region,
        here.map((x) => x.p!.name),
      )
    : [];
  return parsed.map(({ arn, p }) => {
    if (!p) return { arn, name: arn, state: 'NOT_AN_ALARM' as const };
    if (p.region !== region)
      return { arn, name: p.name, state: 'MISSING' as const, reason: `it is in ${p.region}, not ${region}` };
    const a = found.find((x) => x.name === p.name && (!x.arn || x.arn === arn));
    if (!a) return { arn, name: p.name, state: 'MISSING' as const };
    return { arn, name: p.name, state: a.state, ...(a.reason ? { reason: a.reason } : {}) };
  });
}

/** Why these readings forbid going ahead under this policy; empty when they allow it. */
export function alarmProblems(readings: readonly AlarmReading[], policy: AlarmPolicy): string[] {
  const out: string[] = [];
  for (const r of readings) {
    if (r.state === 'NOT_AN_ALARM') out.push(`stop condition \`${r.arn}\` is not a CloudWatch alarm ARN`);
    else if (r.state === 'MISSING')
      out.push(
        `stop-condition alarm \`${r.name}\` does not exist${r.reason ? ` (${r.reason})` : ''}, so it can never stop the experiment`,
      );
    else if (r.state === 'ALARM' && !policy.allowAlarm)
      out.push(
        `stop-condition alarm \`${r.name}\` is already in ALARM, so it would stop the experiment at once (the system is already unhealthy)`,
      );
    else if (r.state === 'INSUFFICIENT_DATA' && !policy.allowInsufficientData)
      out.push(`stop-condition alarm \`${r.name}\` has INSUFFICIENT_DATA, so it cannot stop the experiment`);
  }
  return out;
}
