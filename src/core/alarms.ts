/**
 * The bot's view of CloudWatch alarms: plain types and the small port the approval gate needs to
 * check that an experiment's stop conditions can actually stop it (they exist and are OK), and later
 * that they came back to OK. No SDK types here; src/adapters/cloudwatch.ts implements it.
 */

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmStatus {
  name: string;
  arn: string;
  kind: 'metric' | 'composite' | 'log';
  state: AlarmState;
  /** CloudWatch's words for why it is in this state. */
  reason?: string;
  /** When the state last changed (ms since epoch). */
  stateSince?: number;
  /** What the alarm watches (metric alarms), for an investigation's prompt. */
  description?: string;
  metric?: {
    namespace?: string;
    name?: string;
    statistic?: string;
    comparison?: string;
    threshold?: number;
    periodSeconds?: number;
    evaluationPeriods?: number;
    dimensions: Array<{ name: string; value: string }>;
  };
}

/** One state change of an alarm, oldest first in what the port returns. */
export interface AlarmStateChange {
  at: number;
  from?: AlarmState;
  to?: AlarmState;
  summary: string;
}

export class AlarmError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** CloudWatch answered and refused (a client error), as opposed to no answer or a server fault. */
    readonly refused = false,
  ) {
    super(message);
    this.name = 'AlarmError';
  }
}

export interface AlarmPort {
  /**
   * The named alarms of every kind (metric, composite, log) in this region. A name that does not
   * exist is simply absent from the result.
   */
  describeAlarms(region: string, names: readonly string[]): Promise<AlarmStatus[]>;
  /** State changes of one alarm since `sinceMs`, oldest first. */
  stateHistory(region: string, name: string, sinceMs: number): Promise<AlarmStateChange[]>;
}

/** `arn:aws:cloudwatch:us-east-1:123456789012:alarm:checkout-5xx` → its parts; undefined if not an alarm ARN. */
export function parseAlarmArn(
  arn: string,
): { partition: string; region: string; account: string; name: string } | undefined {
  const m = /^arn:(aws[a-z-]*):(?:cloudwatch):([a-z0-9-]+):(\d{12}):(?:alarm):(.+)$/.exec(arn);
  return m ? { partition: m[1]!, region: m[2]!, account: m[3]!, name: m[4]! } : undefined;
}
