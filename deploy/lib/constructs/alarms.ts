import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export const METRIC_NAMESPACE = 'AgentCoreSlackBot';

export interface AlarmsProps {
  logGroup: logs.ILogGroup;
  service: ecs.FargateService;
  desiredCount: number;
  loadBalancer: elbv2.ApplicationLoadBalancer | undefined;
  targetGroup: elbv2.ApplicationTargetGroup | undefined;
  alarmEmail: string | undefined;
}

/** Alarms on the bot's errors, sent to one SNS topic (optionally subscribed by e-mail). */
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
      metricNamespace: METRIC_NAMESPACE,
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
