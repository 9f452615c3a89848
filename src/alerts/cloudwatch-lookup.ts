/**
 * `/investigate` reads the alarm from CloudWatch: its definition and state (DescribeAlarms) and its
 * state changes of the last day (DescribeAlarmHistory), as the facts a notification would give.
 */
import { AlarmError, type AlarmPort } from '../core/alarms.ts';
import { type AlarmLookup, AlarmLookupError } from './alarm-lookup.ts';
import { type AlertFacts, cloudWatchState, parseAlarmArn } from './facts.ts';

const HISTORY_MS = 24 * 3600_000;

export class CloudWatchAlarmLookup implements AlarmLookup {
  constructor(
    private readonly alarms: AlarmPort,
    private readonly now: () => number = Date.now,
  ) {}

  async find(region: string, name: string): Promise<AlertFacts | undefined> {
    try {
      const found = (await this.alarms.describeAlarms(region, [name])).find((a) => a.name === name);
      if (!found) return undefined;
      const history = await this.alarms.stateHistory(region, name, this.now() - HISTORY_MS);
      // When the alarm entered its current state: the latest change to it, else what DescribeAlarms says.
      const entered = [...history].reverse().find((h) => h.to === found.state)?.at ?? found.stateSince;
      const arn = parseAlarmArn(found.arn);
      return {
        source: 'cloudwatch',
        confidence: 'verified',
        alarmKey: `cloudwatch/${region}/${name}`,
        name,
        state: cloudWatchState(found.state) ?? 'insufficient_data',
        rawState: found.state,
        previousState: [...history].reverse().find((h) => h.to === found.state)?.from,
        reason: found.reason,
        description: found.description,
        changedAt: entered !== undefined ? new Date(entered).toISOString() : undefined,
        region,
        account: arn?.account,
        arn: found.arn || undefined,
        metric: found.metric
          ? {
              namespace: found.metric.namespace,
              name: found.metric.name,
              statistic: found.metric.statistic,
              comparison: found.metric.comparison,
              threshold: found.metric.threshold,
              periodSeconds: found.metric.periodSeconds,
              evaluationPeriods: found.metric.evaluationPeriods,
            }
          : undefined,
        dimensions: found.metric?.dimensions ?? [],
        history: history.map((h) => ({ at: new Date(h.at).toISOString(), from: h.from, to: h.to })),
      };
    } catch (err) {
      if (err instanceof AlarmError) throw explain(err, region);
      throw err;
    }
  }
}

function explain(err: AlarmError, region: string): AlarmLookupError {
  const code = err.code;
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(code)) {
    return new AlarmLookupError(
      code,
      `The bot's AWS role may not read CloudWatch alarms in ${region} (it needs cloudwatch:DescribeAlarms and cloudwatch:DescribeAlarmHistory). Ask an admin to grant them (deploy/ does).`,
    );
  }
  if (/Throttl|RequestLimitExceeded/i.test(code)) {
    return new AlarmLookupError(code, 'CloudWatch is throttling requests right now. Try again in a minute.');
  }
  if (/InvalidClientTokenId|ExpiredToken|UnrecognizedClient|CredentialsProviderError/i.test(code)) {
    return new AlarmLookupError(
      code,
      "The bot's AWS credentials were rejected or are missing. Tell the bot's admins.",
    );
  }
  return new AlarmLookupError(
    code,
    err.refused
      ? `CloudWatch refused the request: ${err.message}`
      : `CloudWatch did not answer properly (${err.message}). Try again; if it keeps failing, tell the bot's admins.`,
  );
}
