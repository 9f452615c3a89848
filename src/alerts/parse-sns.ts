/**
 * A CloudWatch alarm's SNS notification posted as raw JSON (an incoming webhook or a small forwarder
 * that posts the SNS message as it is): the SNS envelope (`Type: Notification`, `Message` holding the
 * alarm as a JSON string), the Lambda-style `Records[].Sns` wrapper, or the alarm JSON alone.
 */
import { type AlertDimension, type AlertFacts, cloudWatchState, isoTime, parseAlarmArn } from './facts.ts';
import type { AlertMessage } from './slack-message.ts';

type Json = Record<string, unknown>;

export function parseSnsAlarm(m: AlertMessage): AlertFacts | undefined {
  const alarm = findAlarm(m.text) ?? m.attachments.map((a) => findAlarm(a.text ?? '')).find(Boolean);
  if (!alarm) return undefined;
  const name = typeof alarm.AlarmName === 'string' ? alarm.AlarmName : undefined;
  const rawState = typeof alarm.NewStateValue === 'string' ? alarm.NewStateValue : undefined;
  const state = rawState ? cloudWatchState(rawState) : undefined;
  if (!name || !rawState || !state) return undefined;
  const arn = typeof alarm.AlarmArn === 'string' ? alarm.AlarmArn : undefined;
  const fromArn = arn ? parseAlarmArn(arn) : undefined;
  const account =
    fromArn?.account ?? (typeof alarm.AWSAccountId === 'string' ? alarm.AWSAccountId : undefined);
  const regionLabel = typeof alarm.Region === 'string' ? alarm.Region : undefined;
  const trigger = (alarm.Trigger ?? {}) as Json;
  const changedAt = isoTime(alarm.StateChangeTime);
  const region = fromArn?.region;
  return {
    source: 'sns',
    // CloudWatch always writes the time of the change and the metric (or the alarm's ARN); JSON without
    // them only looks like a notification.
    confidence: changedAt && (alarm.Trigger || fromArn) ? 'verified' : 'lookalike',
    alarmKey: `cloudwatch/${region ?? regionLabel ?? '?'}/${name}`,
    name,
    state,
    rawState,
    previousState: typeof alarm.OldStateValue === 'string' ? alarm.OldStateValue : undefined,
    reason: typeof alarm.NewStateReason === 'string' ? alarm.NewStateReason : undefined,
    description: typeof alarm.AlarmDescription === 'string' ? alarm.AlarmDescription : undefined,
    changedAt,
    region,
    regionLabel: region ? undefined : regionLabel,
    account,
    arn: fromArn ? arn : undefined,
    metric: {
      namespace: str(trigger.Namespace),
      name: str(trigger.MetricName),
      statistic: str(trigger.Statistic) ?? str(trigger.ExtendedStatistic),
      comparison: str(trigger.ComparisonOperator),
      threshold: num(trigger.Threshold),
      periodSeconds: num(trigger.Period),
      evaluationPeriods: num(trigger.EvaluationPeriods),
    },
    dimensions: dimensionsOf(trigger),
  };
}

/** The alarm object inside whatever wrapper the text holds, if the text is JSON at all. */
function findAlarm(text: string): Json | undefined {
  const body = text
    .trim()
    .replace(/^```[a-z]*\s*/i, '')
    .replace(/\s*```$/, '')
    .trim();
  if (!body.startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  return unwrap(parsed, 0);
}

function unwrap(v: unknown, depth: number): Json | undefined {
  if (depth > 3 || !v || typeof v !== 'object') return undefined;
  const o = v as Json;
  if (typeof o.AlarmName === 'string' && typeof o.NewStateValue === 'string') return o;
  if (typeof o.Message === 'string') {
    try {
      return unwrap(JSON.parse(o.Message), depth + 1);
    } catch {
      return undefined;
    }
  }
  if (o.Sns) return unwrap(o.Sns, depth + 1);
  if (Array.isArray(o.Records) && o.Records.length > 0) return unwrap(o.Records[0], depth + 1);
  return undefined;
}

function dimensionsOf(trigger: Json): AlertDimension[] {
  const out: AlertDimension[] = [];
  const add = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const d of list as Json[]) {
      const name = str(d.name) ?? str(d.Name);
      const value = str(d.value) ?? str(d.Value);
      if (name && value && !out.some((x) => x.name === name && x.value === value)) out.push({ name, value });
    }
  };
  add(trigger.Dimensions);
  // Metric-math alarms list their metrics instead of one metric.
  if (Array.isArray(trigger.Metrics)) {
    for (const m of trigger.Metrics as Json[]) {
      const metric = ((m.MetricStat as Json | undefined)?.Metric ?? {}) as Json;
      add(metric.Dimensions);
    }
  }
  return out;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
