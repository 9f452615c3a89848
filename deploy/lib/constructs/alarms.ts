import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { DIMENSION, METRIC } from '../../../src/core/metrics.ts';

/** Failure kinds that will not go away by themselves: the deploy or a permission is wrong. Any one pages. */
export const CONFIGURATION_FAILURES = ['access_denied', 'not_found', 'no_credentials', 'validation'] as const;

export interface AlarmsProps {
  /** This stack's namespace: the bot's embedded metrics and the log metric filter. */
  metricsNamespace: string;
  /** Failure rate (percent of turns in 15 minutes) that pages; with at least minTurns turns. */
  failureRatePercent: number;
  minTurns: number;
  logGroup: logs.ILogGroup;
  service: ecs.FargateService;
  desiredCount: number;
  loadBalancer: elbv2.ApplicationLoadBalancer | undefined;
  targetGroup: elbv2.ApplicationTargetGroup | undefined;
  alarmEmail: string | undefined;
}

/**
 * Alarms that page when the product is broken, sent to one SNS topic (optionally subscribed by e-mail): the share of
 * turns that fail (from the bot's embedded metrics), configuration failures, error logs, no running task, and in
 * HTTP mode the load balancer's view.
 */
export class Alarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'AgentCore Slack bot alarms',
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    // pino writes JSON lines; level 50 is "error", 60 "fatal".
    const errors = new logs.MetricFilter(this, 'ErrorLogs', {
      logGroup: props.logGroup,
      filterPattern: logs.FilterPattern.numberValue('$.level', '>=', 50),
      metricNamespace: props.metricsNamespace,
      metricName: 'BotErrorLogs',
      metricValue: '1',
      defaultValue: 0,
    });
    this.add(
      'BotErrors',
      errors.metric({ statistic: 'Sum', period: Duration.minutes(5) }),
      'The bot logged errors (pino level >= 50) in the last 5 minutes',
      1,
      1,
    );

    // Turns that failed, as a share of all turns, once there are enough turns to mean something.
    const turnMetric = (name: string, dimensionsMap?: Record<string, string>) =>
      new cloudwatch.Metric({
        namespace: props.metricsNamespace,
        metricName: name,
        dimensionsMap,
        statistic: 'Sum',
        period: Duration.minutes(15),
      });
    const rate = new cloudwatch.MathExpression({
      expression: `IF(turns >= ${props.minTurns}, 100 * FILL(failures, 0) / turns, 0)`,
      usingMetrics: { turns: turnMetric(METRIC.turns), failures: turnMetric(METRIC.turnFailures) },
      period: Duration.minutes(15),
      label: 'Failed turns (%)',
    });
    this.add(
      'TurnFailureRate',
      rate,
      `At least ${props.failureRatePercent}% of the bot's turns failed in 15 minutes (harness errors, cut streams, throttling)`,
      props.failureRatePercent,
      1,
    );
    const configFailures = new cloudwatch.MathExpression({
      expression: CONFIGURATION_FAILURES.map((k) => `FILL(${k}, 0)`).join(' + '),
      usingMetrics: Object.fromEntries(
        CONFIGURATION_FAILURES.map((k) => [
          k,
          turnMetric(METRIC.turnFailures, { [DIMENSION.failureKind]: k }),
        ]),
      ),
      period: Duration.minutes(5),
      label: 'Turns failed by configuration (access denied, not found, credentials, validation)',
    });
    this.add(
      'TurnConfigurationFailures',
      configFailures,
      'A turn failed because a permission, the harness or a setting is wrong: it will not fix itself',
      1,
      1,
    );

    if (props.desiredCount > 0) {
      const running = new cloudwatch.Metric({
        namespace: 'ECS/ContainerInsights',
        metricName: 'RunningTaskCount',
        dimensionsMap: {
          ClusterName: props.service.cluster.clusterName,
          ServiceName: props.service.serviceName,
        },
        statistic: 'Minimum',
        period: Duration.minutes(1),
      });
      this.add('NotRunning', running, 'No bot task has been running for 5 minutes', 1, 5, 'lessThan');
    }

    if (props.loadBalancer && props.targetGroup) {
      this.add(
        'Target5xx',
        props.targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, {
          period: Duration.minutes(5),
          statistic: 'Sum',
        }),
        'The bot answered Slack with 5xx responses',
        5,
        1,
      );
      this.add(
        'UnhealthyTargets',
        props.targetGroup.metrics.unhealthyHostCount({ period: Duration.minutes(1), statistic: 'Maximum' }),
        'A bot task fails its /healthz check',
        1,
        3,
      );
    }
  }

  private add(
    id: string,
    metric: cloudwatch.IMetric,
    description: string,
    threshold: number,
    evaluationPeriods: number,
    direction: 'atLeast' | 'lessThan' = 'atLeast',
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      alarmDescription: description,
      threshold,
      evaluationPeriods,
      comparisonOperator:
        direction === 'atLeast'
          ? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
          : cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData:
        direction === 'atLeast'
          ? cloudwatch.TreatMissingData.NOT_BREACHING
          : cloudwatch.TreatMissingData.BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
