/**
 * Alarms page when the product is broken: the bot's embedded metrics (what EmfMetrics writes) are the metrics the
 * failure-rate alarm reads, in this stack's namespace; every run failing pages, not only crashes.
 */
import { describe, expect, it } from 'vitest';
import { EmfMetrics } from '../../src/adapters/emf-metrics.ts';
import { DIMENSION, METRIC } from '../../src/core/metrics.ts';
import { synth } from './helpers/synth.ts';

interface MetricStat {
  Metric: { Namespace: string; MetricName: string; Dimensions?: Array<{ Name: string; Value: string }> };
}
interface Query {
  Id: string;
  Expression?: string;
  MetricStat?: MetricStat;
}
interface AlarmProps {
  Metrics?: Query[];
  Threshold: number;
  ComparisonOperator: string;
  AlarmActions: unknown[];
}

const s = synth({ stackName: 'OpsBot', alarmFailureRatePercent: '25' });
const alarms = Object.entries(s.template.findResources('AWS::CloudWatch::Alarm')).map(
  ([id, r]) => [id, r.Properties as AlarmProps] as const,
);
const [td] = Object.values(s.template.findResources('AWS::ECS::TaskDefinition'));
const env = Object.fromEntries(
  (
    td!.Properties as {
      ContainerDefinitions: Array<{ Environment: Array<{ Name: string; Value: unknown }> }>;
    }
  ).ContainerDefinitions[0]!.Environment.map((e) => [e.Name, e.Value]),
);
s.cleanup();
const alarm = (hint: string) => alarms.find(([id]) => id.includes(hint))![1];

/** What CloudWatch extracts from one EMF line: namespace, metric, and one dimension map per dimension set. */
function extracted(
  line: string,
): Array<{ namespace: string; name: string; dimensions: Record<string, string> }> {
  const doc = JSON.parse(line) as {
    _aws: {
      CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }>;
    };
  } & Record<string, unknown>;
  return doc._aws.CloudWatchMetrics.flatMap((d) =>
    d.Metrics.flatMap((m) =>
      d.Dimensions.map((set) => ({
        namespace: d.Namespace,
        name: m.Name,
        dimensions: Object.fromEntries(set.map((k) => [k, String(doc[k])])),
      })),
    ),
  );
}

describe('failure-rate alarm on the bot’s embedded metrics', () => {
  it('the bot writes its metrics into the namespace the alarms read', () => {
    expect(env.METRICS_NAMESPACE).toBe('AgentCoreSlackBot/OpsBot');
  });

  it('pages on the share of failed turns (threshold from alarmFailureRatePercent), to the topic', () => {
    const a = alarm('TurnFailureRate');
    expect(a.Threshold).toBe(25);
    expect(a.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
    expect(a.AlarmActions).toHaveLength(1);
    const expr = a.Metrics!.find((m) => m.Expression)!.Expression!;
    expect(expr).toMatch(/IF\(turns >= 3, 100 \* FILL\(failures, 0\) \/ turns, 0\)/);
  });

  it('reads exactly the metrics EmfMetrics emits for a failed turn', () => {
    const lines: string[] = [];
    const m = new EmfMetrics(
      'AgentCoreSlackBot/OpsBot',
      (l) => lines.push(l),
      () => 1_700_000_000_000,
    );
    m.turn('failed', 'throttled');
    m.turn('done');
    const emitted = lines.flatMap(extracted);
    const queries = alarm('TurnFailureRate').Metrics!.filter((q) => q.MetricStat);
    for (const q of queries) {
      const want = q.MetricStat!.Metric;
      const match = emitted.find(
        (e) =>
          e.namespace === want.Namespace &&
          e.name === want.MetricName &&
          Object.keys(e.dimensions).length === (want.Dimensions?.length ?? 0),
      );
      expect(match, `${want.MetricName} is emitted without dimensions`).toBeDefined();
    }
    expect(
      emitted.filter((e) => e.name === METRIC.turns && Object.keys(e.dimensions).length === 0),
    ).toHaveLength(2);
    expect(emitted).toContainEqual({
      namespace: 'AgentCoreSlackBot/OpsBot',
      name: METRIC.turnFailures,
      dimensions: { [DIMENSION.failureKind]: 'throttled' },
    });
  });

  it('pages on any turn failed by configuration (access denied, not found), by failure kind', () => {
    const a = alarm('TurnConfigurationFailures');
    const kinds = a
      .Metrics!.filter((q) => q.MetricStat)
      .map((q) => q.MetricStat!.Metric.Dimensions!.find((d) => d.Name === DIMENSION.failureKind)!.Value);
    expect(kinds).toEqual(expect.arrayContaining(['access_denied', 'not_found']));
    expect(a.Threshold).toBe(1);
  });

  it('counts approvals and experiments by event, ignoring other audit actions', () => {
    const lines: string[] = [];
    const m = new EmfMetrics('ns', (l) => lines.push(l));
    for (const a of ['requested', 'approved', 'started', 'stop_requested', 'rejected_click'])
      m.approvalEvent(a);
    const got = lines.flatMap(extracted).map((e) => `${e.name}:${e.dimensions[DIMENSION.event]}`);
    expect(got).toEqual([
      'Approvals:requested',
      'Approvals:approved',
      'Experiments:started',
      'Experiments:stop_requested',
    ]);
  });
});
