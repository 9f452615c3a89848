/**
 * A local stand-in for the CloudWatch alarm API the bot reads (DescribeAlarms, DescribeAlarmHistory),
 * speaking what @aws-sdk/client-cloudwatch speaks: awsJson1_0 with query-compatible errors (the
 * `x-amzn-query-error` header carries the query error code). Reached through AWS_ENDPOINT_URL_CLOUDWATCH.
 *
 * Kept as strict as the service (checked in test/contract/cloudwatch-emulator.test.ts against the SDK
 * model): SigV4 for the `monitoring` signing name, each region its own alarms; without AlarmTypes only
 * metric alarms are returned (a composite alarm looks absent); at most 100 names and 1..100 records a
 * page; AlarmNames cannot be combined with AlarmNamePrefix; next tokens are opaque and bound to the
 * query they came from (InvalidNextToken otherwise); history outlives a deleted alarm; timestamps are
 * epoch seconds. Unmodeled constraint violations come back as the query API's ValidationError.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type CloudWatchCall,
  type EmulatedAlarm,
  type EmulatedAlarmState,
  type Fault,
  type HistoryItem,
  type Kind,
  STATES,
  SUPPORTED,
  TARGET,
} from './cloudwatch-emulator-model.ts';
import {
  error,
  kindsProblem,
  listOf,
  maxRecordsProblem,
  nameOk,
  ok,
  optionalString,
  paginate,
} from './cloudwatch-emulator-wire.ts';
import { signedRegion } from './fis-emulator-model.ts';
import { bodyText, LoopbackService } from './loopback-service.ts';

export type { CloudWatchCall, EmulatedAlarm, EmulatedAlarmState } from './cloudwatch-emulator-model.ts';

export class CloudWatchEmulator extends LoopbackService {
  readonly calls: CloudWatchCall[] = [];
  private readonly alarms = new Map<string, Map<string, EmulatedAlarm>>();
  private readonly history = new Map<string, HistoryItem[]>();
  private readonly faults = new Map<string, { fault: Fault; times: number }>();

  constructor(private readonly o: { region?: string; account?: string } = {}) {
    super();
  }

  get defaultRegion(): string {
    return this.o.region ?? 'us-east-1';
  }

  /** PutMetricAlarm / PutCompositeAlarm: a new alarm starts INSUFFICIENT_DATA unless a state is given. */
  putAlarm(
    a: {
      name: string;
      kind?: Kind;
      state?: EmulatedAlarmState;
      reason?: string;
      definition?: Partial<Omit<EmulatedAlarm, 'name' | 'kind' | 'state' | 'reason' | 'stateUpdated'>>;
    },
    region = this.defaultRegion,
  ): EmulatedAlarm {
    const alarm: EmulatedAlarm = {
      name: a.name,
      kind: a.kind ?? 'MetricAlarm',
      state: 'INSUFFICIENT_DATA',
      reason: 'Unchecked: Initial alarm creation',
      stateUpdated: Date.now(),
      namespace: 'AWS/ApplicationELB',
      metricName: 'HTTPCode_Target_5XX_Count',
      ...a.definition,
    };
    this.regionAlarms(region).set(a.name, alarm);
    if (a.state && a.state !== 'INSUFFICIENT_DATA')
      this.setAlarmState(a.name, a.state, a.reason ?? 'Set by the test', region);
    return alarm;
  }

  /** What SetAlarmState (or the alarm's own evaluation) does: a new state, and a StateUpdate history item. */
  setAlarmState(name: string, state: EmulatedAlarmState, reason: string, region = this.defaultRegion): void {
    const a = this.regionAlarms(region).get(name);
    if (!a) throw new Error(`no alarm ${name} in ${region}`);
    const old = a.state;
    a.state = state;
    a.reason = reason;
    a.stateUpdated = Date.now();
    const items = this.history.get(`${region}/${name}`) ?? [];
    items.push({
      name,
      kind: a.kind,
      at: a.stateUpdated,
      summary: `Alarm updated from ${old} to ${state}`,
      data: JSON.stringify({
        version: '1.0',
        oldState: { stateValue: old },
        newState: { stateValue: state, stateReason: reason },
      }),
    });
    this.history.set(`${region}/${name}`, items);
  }

  /** DeleteAlarms: the alarm goes, its history stays. */
  deleteAlarm(name: string, region = this.defaultRegion): void {
    this.regionAlarms(region).delete(name);
  }

  alarm(name: string, region = this.defaultRegion): EmulatedAlarm | undefined {
    return this.regionAlarms(region).get(name);
  }

  /** Answers the next `times` calls of an operation with this error. */
  failOperation(op: 'DescribeAlarms' | 'DescribeAlarmHistory', fault: Fault, times = 1): void {
    this.faults.set(op, { fault, times });
  }

  clear(): void {
    this.alarms.clear();
    this.history.clear();
    this.faults.clear();
  }

  protected internalError(res: ServerResponse, err: unknown): void {
    error(res, 500, 'InternalFailure', 'Receiver', String(err));
  }

  private regionAlarms(region: string): Map<string, EmulatedAlarm> {
    let m = this.alarms.get(region);
    if (!m) {
      m = new Map();
      this.alarms.set(region, m);
    }
    return m;
  }

  private arn(region: string, name: string): string {
    return `arn:aws:cloudwatch:${region}:${this.o.account ?? '123456789012'}:alarm:${name}`;
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await bodyText(req);
    const scope = signedRegion(req.headers.authorization);
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.startsWith(`${TARGET}.`) ? target.slice(TARGET.length + 1) : '';
    let body: Record<string, unknown> = {};
    try {
      const raw = text;
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      return error(res, 400, 'SerializationException', 'Sender', 'Malformed JSON body.');
    }
    this.calls.push({ op: op || 'Unknown', region: scope?.region ?? '', body });
    if (
      !req.headers.authorization?.startsWith('AWS4-HMAC-SHA256 ') ||
      !scope ||
      scope.service !== 'monitoring'
    )
      return error(res, 403, 'MissingAuthenticationToken', 'Sender', 'Missing Authentication Token');
    if (
      req.method !== 'POST' ||
      !String(req.headers['content-type']).startsWith('application/x-amz-json-1.0')
    )
      return error(res, 404, 'UnknownOperationException', 'Sender', 'Unknown operation.');
    const f = this.faults.get(op);
    if (f && f.times-- > 0) {
      if (f.times <= 0) this.faults.delete(op);
      return error(
        res,
        f.fault.status,
        f.fault.code,
        f.fault.status < 500 ? 'Sender' : 'Receiver',
        f.fault.message ?? '',
      );
    }
    // Members the model has but this stand-in does not implement are refused, never silently ignored.
    const unsupported = Object.keys(body).filter((k) => !(SUPPORTED[op] ?? []).includes(k));
    if (unsupported.length)
      return error(
        res,
        400,
        'ValidationError',
        'Sender',
        `Not supported by this stand-in: ${unsupported.join(', ')}.`,
      );
    if (op === 'DescribeAlarms') return this.describeAlarms(body, scope.region, res);
    if (op === 'DescribeAlarmHistory') return this.describeHistory(body, scope.region, res);
    return error(res, 400, 'UnknownOperationException', 'Sender', `Unknown operation ${target}.`);
  }

  private describeAlarms(b: Record<string, unknown>, region: string, res: ServerResponse) {
    const problem =
      listOf(b.AlarmNames, 'alarmNames', 100, (s) => nameOk(s)) ??
      optionalString(b.AlarmNamePrefix, 'alarmNamePrefix') ??
      kindsProblem(b.AlarmTypes) ??
      (b.StateValue !== undefined && !STATES.includes(b.StateValue as EmulatedAlarmState)
        ? `Value '${String(b.StateValue)}' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [OK, ALARM, INSUFFICIENT_DATA]`
        : undefined) ??
      maxRecordsProblem(b.MaxRecords);
    if (problem)
      return error(res, 400, 'ValidationError', 'Sender', `1 validation error detected: ${problem}`);
    if (b.AlarmNames !== undefined && b.AlarmNamePrefix !== undefined)
      return error(
        res,
        400,
        'InvalidParameterCombination',
        'Sender',
        'AlarmNames and AlarmNamePrefix cannot be specified together.',
      );
    const kinds = (b.AlarmTypes as Kind[] | undefined) ?? ['MetricAlarm'];
    const names = b.AlarmNames as string[] | undefined;
    const matched = [...this.regionAlarms(region).values()]
      .filter((a) => kinds.includes(a.kind))
      .filter((a) => !names || names.includes(a.name))
      .filter((a) => typeof b.AlarmNamePrefix !== 'string' || a.name.startsWith(b.AlarmNamePrefix))
      .filter((a) => !b.StateValue || a.state === b.StateValue)
      .sort((x, y) => x.name.localeCompare(y.name));
    const page = paginate(matched, b, [
      'DescribeAlarms',
      region,
      names,
      b.AlarmNamePrefix,
      kinds,
      b.StateValue,
    ]);
    if (typeof page === 'string') return error(res, 400, 'InvalidNextToken', 'Sender', page);
    const view = (a: EmulatedAlarm) => ({
      AlarmName: a.name,
      AlarmArn: this.arn(region, a.name),
      ActionsEnabled: true,
      ...(a.description ? { AlarmDescription: a.description } : {}),
      StateValue: a.state,
      StateReason: a.reason,
      StateUpdatedTimestamp: a.stateUpdated / 1000,
      StateTransitionedTimestamp: a.stateUpdated / 1000,
      ...(a.kind === 'MetricAlarm'
        ? {
            Namespace: a.namespace,
            MetricName: a.metricName,
            Dimensions: (a.dimensions ?? []).map((d) => ({ Name: d.name, Value: d.value })),
            Statistic: a.statistic ?? 'Sum',
            Period: a.period ?? 60,
            EvaluationPeriods: a.evaluationPeriods ?? 1,
            Threshold: a.threshold ?? 1,
            ComparisonOperator: a.comparison ?? 'GreaterThanOrEqualToThreshold',
          }
        : a.kind === 'CompositeAlarm'
          ? { AlarmRule: 'TRUE' }
          : {}),
    });
    ok(res, {
      MetricAlarms: page.items.filter((a) => a.kind === 'MetricAlarm').map(view),
      CompositeAlarms: page.items.filter((a) => a.kind === 'CompositeAlarm').map(view),
      ...(kinds.includes('LogAlarm')
        ? { LogAlarms: page.items.filter((a) => a.kind === 'LogAlarm').map(view) }
        : {}),
      ...(page.next ? { NextToken: page.next } : {}),
    });
  }

  private describeHistory(b: Record<string, unknown>, region: string, res: ServerResponse) {
    const type = b.HistoryItemType;
    const problem =
      (b.AlarmName !== undefined && !nameOk(b.AlarmName)
        ? "Value at 'alarmName' failed to satisfy constraint: Member must have length between 1 and 255"
        : undefined) ??
      kindsProblem(b.AlarmTypes) ??
      (type !== undefined &&
      ![
        'ConfigurationUpdate',
        'StateUpdate',
        'Action',
        'AlarmContributorStateUpdate',
        'AlarmContributorAction',
      ].includes(String(type))
        ? `Value '${String(type)}' at 'historyItemType' failed to satisfy constraint: Member must satisfy enum value set`
        : undefined) ??
      (b.ScanBy !== undefined && !['TimestampDescending', 'TimestampAscending'].includes(String(b.ScanBy))
        ? `Value '${String(b.ScanBy)}' at 'scanBy' failed to satisfy constraint: Member must satisfy enum value set: [TimestampDescending, TimestampAscending]`
        : undefined) ??
      (b.StartDate !== undefined && typeof b.StartDate !== 'number'
        ? "Value at 'startDate' must be a timestamp"
        : undefined) ??
      (b.EndDate !== undefined && typeof b.EndDate !== 'number'
        ? "Value at 'endDate' must be a timestamp"
        : undefined) ??
      maxRecordsProblem(b.MaxRecords);
    if (problem)
      return error(res, 400, 'ValidationError', 'Sender', `1 validation error detected: ${problem}`);
    const kinds = (b.AlarmTypes as Kind[] | undefined) ?? ['MetricAlarm'];
    const from = typeof b.StartDate === 'number' ? b.StartDate * 1000 : 0;
    const to = typeof b.EndDate === 'number' ? b.EndDate * 1000 : Number.POSITIVE_INFINITY;
    const all = [...this.history.entries()]
      .filter(([k]) => k.startsWith(`${region}/`))
      .flatMap(([, items]) => items)
      .filter((h) => kinds.includes(h.kind))
      .filter((h) => b.AlarmName === undefined || h.name === b.AlarmName)
      // Only state changes are recorded: asking for another item type finds none.
      .filter(() => !type || type === 'StateUpdate')
      .filter((h) => h.at >= from && h.at <= to)
      .sort((x, y) => (b.ScanBy === 'TimestampAscending' ? x.at - y.at : y.at - x.at));
    const page = paginate(all, b, [
      'DescribeAlarmHistory',
      region,
      b.AlarmName,
      kinds,
      type,
      from,
      to,
      b.ScanBy,
    ]);
    if (typeof page === 'string') return error(res, 400, 'InvalidNextToken', 'Sender', page);
    ok(res, {
      AlarmHistoryItems: page.items.map((h) => ({
        AlarmName: h.name,
        AlarmType: h.kind,
        Timestamp: h.at / 1000,
        HistoryItemType: 'StateUpdate',
        HistorySummary: h.summary,
        HistoryData: h.data,
      })),
      ...(page.next ? { NextToken: page.next } : {}),
    });
  }
}
