/** AlarmPort over @aws-sdk/client-cloudwatch, one client per region (stop-condition alarms live in the experiment's region). */
import type { AlarmType, CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  AlarmError,
  type AlarmPort,
  type AlarmState,
  type AlarmStateChange,
  type AlarmStatus,
} from '../core/alarms.ts';
import { type AwsTarget, type LazyClients, lazyRegionalClients } from './regional-clients.ts';

/** The package, loaded on the first call (regional-clients.ts): a FIS approval's alarms or an alarm note's Investigate. */
const loadSdk = () => import('@aws-sdk/client-cloudwatch');

/** Without AlarmTypes, CloudWatch returns metric alarms only: a composite stop condition would look missing. */
const EVERY_KIND: AlarmType[] = ['MetricAlarm', 'CompositeAlarm', 'LogAlarm'];
/** DescribeAlarms takes at most 100 names, and returns at most 100 records a page. */
const PAGE = 100;

export class AwsCloudWatch implements AlarmPort {
  /** `endpoint`/`credentials`: a local stand-in; otherwise the SDK's defaults (AWS_ENDPOINT_URL_CLOUDWATCH included). */
  constructor(o: AwsTarget = {}) {
    this.client = lazyRegionalClients(loadSdk, (sdk, config) => new sdk.CloudWatchClient(config), o);
  }

  private readonly client: LazyClients<Awaited<ReturnType<typeof loadSdk>>, CloudWatchClient>;

  async describeAlarms(region: string, names: readonly string[]): Promise<AlarmStatus[]> {
    const out: AlarmStatus[] = [];
    const unique = [...new Set(names)];
    try {
      for (let i = 0; i < unique.length; i += PAGE) {
        let NextToken: string | undefined;
        do {
          const page = await this.client(region, (client, sdk) =>
            client.send(
              new sdk.DescribeAlarmsCommand({
                AlarmNames: unique.slice(i, i + PAGE),
                AlarmTypes: EVERY_KIND,
                MaxRecords: PAGE,
                NextToken,
              }),
            ),
          );
          for (const a of page.MetricAlarms ?? []) out.push(status(a, 'metric'));
          for (const a of page.CompositeAlarms ?? []) out.push(status(a, 'composite'));
          for (const a of page.LogAlarms ?? []) out.push(status(a, 'log'));
          NextToken = page.NextToken;
        } while (NextToken);
      }
    } catch (err) {
      throw toAlarmError(err);
    }
    return out;
  }

  async stateHistory(region: string, name: string, sinceMs: number): Promise<AlarmStateChange[]> {
    const out: AlarmStateChange[] = [];
    let NextToken: string | undefined;
    try {
      do {
        const page = await this.client(region, (client, sdk) =>
          client.send(
            new sdk.DescribeAlarmHistoryCommand({
              AlarmName: name,
              AlarmTypes: EVERY_KIND,
              HistoryItemType: 'StateUpdate',
              StartDate: new Date(sinceMs),
              ScanBy: 'TimestampAscending',
              MaxRecords: PAGE,
              NextToken,
            }),
          ),
        );
        for (const h of page.AlarmHistoryItems ?? []) {
          // StartDate travels in whole seconds: drop what happened before `sinceMs` within that second.
          if ((h.Timestamp?.getTime() ?? 0) < sinceMs) continue;
          const states = transition(h.HistoryData);
          out.push({
            at: h.Timestamp?.getTime() ?? 0,
            ...states,
            summary: h.HistorySummary ?? '',
          });
        }
        NextToken = page.NextToken;
      } while (NextToken);
    } catch (err) {
      throw toAlarmError(err);
    }
    return out.sort((a, b) => a.at - b.at);
  }
}

function status(
  a: {
    AlarmName?: string;
    AlarmArn?: string;
    StateValue?: string;
    StateReason?: string;
    StateUpdatedTimestamp?: Date;
    AlarmDescription?: string;
    Namespace?: string;
    MetricName?: string;
    Statistic?: string;
    ExtendedStatistic?: string;
    ComparisonOperator?: string;
    Threshold?: number;
    Period?: number;
    EvaluationPeriods?: number;
    Dimensions?: Array<{ Name?: string; Value?: string }>;
  },
  kind: AlarmStatus['kind'],
): AlarmStatus {
  return {
    ...(a.AlarmDescription ? { description: a.AlarmDescription } : {}),
    ...(a.MetricName
      ? {
          metric: {
            namespace: a.Namespace,
            name: a.MetricName,
            statistic: a.Statistic ?? a.ExtendedStatistic,
            comparison: a.ComparisonOperator,
            threshold: a.Threshold,
            periodSeconds: a.Period,
            evaluationPeriods: a.EvaluationPeriods,
            dimensions: (a.Dimensions ?? []).flatMap((d) =>
              d.Name && d.Value ? [{ name: d.Name, value: d.Value }] : [],
            ),
          },
        }
      : {}),
    name: a.AlarmName ?? '',
    arn: a.AlarmArn ?? '',
    kind,
    // A state this code does not know is treated like missing data: it cannot prove the alarm is OK.
    state: isState(a.StateValue) ? a.StateValue : 'INSUFFICIENT_DATA',
    ...(a.StateReason ? { reason: a.StateReason } : {}),
    ...(a.StateUpdatedTimestamp ? { stateSince: a.StateUpdatedTimestamp.getTime() } : {}),
  };
}

/** HistoryData of a StateUpdate is JSON with oldState/newState.stateValue. */
function transition(data: string | undefined): { from?: AlarmState; to?: AlarmState } {
  try {
    const d = JSON.parse(data ?? '{}') as {
      oldState?: { stateValue?: string };
      newState?: { stateValue?: string };
    };
    return {
      ...(isState(d.oldState?.stateValue) ? { from: d.oldState.stateValue } : {}),
      ...(isState(d.newState?.stateValue) ? { to: d.newState.stateValue } : {}),
    };
  } catch {
    return {};
  }
}

function isState(v: unknown): v is AlarmState {
  return v === 'OK' || v === 'ALARM' || v === 'INSUFFICIENT_DATA';
}

function toAlarmError(err: unknown): AlarmError {
  const e = err as { name?: string; message?: string; $fault?: string };
  return new AlarmError(e?.name ?? 'Error', e?.message ?? String(err), e?.$fault === 'client');
}
