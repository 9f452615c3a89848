/**
 * Reading an alarm from CloudWatch for `/investigate`: its definition (DescribeAlarms) and when it last
 * changed state (DescribeAlarmHistory), as the same facts a notification gives.
 */
import type { AlertFacts } from './facts.ts';

export interface AlarmLookup {
  /** The alarm's facts, or undefined when the Region has no alarm of that name. */
  find(region: string, name: string): Promise<AlertFacts | undefined>;
}

/** A CloudWatch failure, explained for the person who asked (what happened, what to do). */
export class AlarmLookupError extends Error {
  constructor(
    readonly code: string,
    readonly advice: string,
  ) {
    super(`${code}: ${advice}`);
    this.name = 'AlarmLookupError';
  }
}
