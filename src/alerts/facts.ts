/**
 * What the bot knows about one alarm notification, whatever tool posted it. Parsers fill what their
 * format carries and leave the rest undefined; nothing here is guessed.
 */

export type AlertSource = 'amazon-q' | 'sns' | 'alertmanager' | 'pagerduty' | 'cloudwatch';

/** Normalised state: firing (ALARM, FIRING, triggered), ok (OK, RESOLVED, resolved), or other. */
export type AlertState = 'firing' | 'ok' | 'insufficient_data' | 'acknowledged';

export interface AlertDimension {
  name: string;
  value: string;
}

export interface AlertFacts {
  source: AlertSource;
  /**
   * How sure the parser is that the message really came from that tool: `verified` when the sender and
   * the content both match the tool's own format; `lookalike` when only the content does. Look-alikes
   * get a note with a button, never an automatic start.
   */
  confidence: 'verified' | 'lookalike';
  /** Stable identity of the alarm across its notifications (the dedupe key, with the channel). */
  alarmKey: string;
  /** The alarm's name as its tool shows it. */
  name: string;
  state: AlertState;
  /** The state as the tool wrote it (ALARM, FIRING:2, Triggered, …). */
  rawState: string;
  previousState?: string;
  reason?: string;
  description?: string;
  /** When the state changed (ISO 8601), if the notification says. */
  changedAt?: string;
  region?: string;
  /** The Region as the notification names it when it gives no code ("US East (N. Virginia)"). */
  regionLabel?: string;
  account?: string;
  arn?: string;
  metric?: {
    namespace?: string;
    name?: string;
    statistic?: string;
    comparison?: string;
    threshold?: number;
    periodSeconds?: number;
    evaluationPeriods?: number;
  };
  dimensions: AlertDimension[];
  /** Alertmanager: label values of the group; PagerDuty: the service. */
  labels?: Record<string, string>;
  service?: string;
  /** A link back to the alarm in its tool. */
  link?: string;
  /** Recent state changes, oldest first (read from CloudWatch's alarm history by `/investigate`). */
  history?: Array<{ at: string; from?: string; to?: string }>;
}

const SOURCE_NAMES: Record<AlertSource, string> = {
  'amazon-q': 'Amazon Q Developer (CloudWatch)',
  sns: 'CloudWatch via SNS',
  alertmanager: 'Alertmanager',
  pagerduty: 'PagerDuty',
  cloudwatch: 'CloudWatch',
};

export function sourceName(source: AlertSource): string {
  return SOURCE_NAMES[source];
}

/** CloudWatch's own state names, normalised. */
export function cloudWatchState(value: string): AlertState | undefined {
  switch (value.toUpperCase()) {
    case 'ALARM':
      return 'firing';
    case 'OK':
      return 'ok';
    case 'INSUFFICIENT_DATA':
      return 'insufficient_data';
    default:
      return undefined;
  }
}

export { parseAlarmArn } from '../core/alarms.ts';

/** A CloudWatch timestamp such as `2015-06-03T17:43:27.123+0000` as ISO 8601 (UTC), if it is one. */
export function isoTime(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  const normalised = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const t = Date.parse(normalised);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}
