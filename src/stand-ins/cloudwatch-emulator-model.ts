/** The CloudWatch stand-in's alarms, history, faults and the operations and members it serves. */
export type EmulatedAlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type Kind = 'MetricAlarm' | 'CompositeAlarm' | 'LogAlarm';
export const KINDS: readonly Kind[] = ['MetricAlarm', 'CompositeAlarm', 'LogAlarm'];
export const STATES: readonly EmulatedAlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];
export const TARGET = 'GraniteServiceVersion20100801';
export const SUPPORTED: Record<string, string[]> = {
  DescribeAlarms: ['AlarmNames', 'AlarmNamePrefix', 'AlarmTypes', 'StateValue', 'MaxRecords', 'NextToken'],
  DescribeAlarmHistory: [
    'AlarmName',
    'AlarmTypes',
    'HistoryItemType',
    'StartDate',
    'EndDate',
    'MaxRecords',
    'NextToken',
    'ScanBy',
  ],
};

export interface EmulatedAlarm {
  name: string;
  kind: Kind;
  state: EmulatedAlarmState;
  reason: string;
  /** ms since epoch. */
  stateUpdated: number;
  namespace?: string;
  metricName?: string;
  /** Metric alarms' definition as DescribeAlarms returns it (defaults below when the test gives none). */
  description?: string;
  dimensions?: Array<{ name: string; value: string }>;
  statistic?: string;
  period?: number;
  evaluationPeriods?: number;
  threshold?: number;
  comparison?: string;
}

export interface HistoryItem {
  name: string;
  kind: Kind;
  at: number;
  summary: string;
  data: string;
}

export interface CloudWatchCall {
  op: string;
  region: string;
  body: Record<string, unknown>;
}

export interface Fault {
  status: number;
  code: string;
  message?: string;
}
