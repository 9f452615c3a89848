/**
 * Metrics as CloudWatch embedded metric format (EMF): one JSON line per event on stdout, which the ECS awslogs
 * driver ships to the bot's log group, where CloudWatch extracts the metrics. No API call and no IAM permission:
 * the log stream the bot already writes is the transport.
 * Format: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import {
  COUNTED_APPROVAL_EVENTS,
  COUNTED_EXPERIMENT_EVENTS,
  DIMENSION,
  METRIC,
  type MetricsPort,
  type TurnFailureKind,
} from '../core/metrics.ts';
import type { FinalState } from '../core/reply-stream.ts';

export class EmfMetrics implements MetricsPort {
  constructor(
    private readonly namespace: string,
    private readonly write: (line: string) => void = (line) => process.stdout.write(line),
    private readonly now: () => number = Date.now,
  ) {}

  turn(outcome: FinalState['outcome'], failure?: TurnFailureKind): void {
    // Without dimensions for the alarm's rate; by Outcome for the dashboard.
    this.emit(METRIC.turns, { [DIMENSION.outcome]: outcome }, [[], [DIMENSION.outcome]]);
    if (outcome === 'failed') {
      this.emit(METRIC.turnFailures, { [DIMENSION.failureKind]: failure ?? 'unexpected' }, [
        [],
        [DIMENSION.failureKind],
      ]);
    }
  }

  approvalEvent(action: string): void {
    if ((COUNTED_APPROVAL_EVENTS as readonly string[]).includes(action)) {
      this.emit(METRIC.approvals, { [DIMENSION.event]: action }, [[DIMENSION.event]]);
    } else if ((COUNTED_EXPERIMENT_EVENTS as readonly string[]).includes(action)) {
      this.emit(METRIC.experiments, { [DIMENSION.event]: action }, [[DIMENSION.event]]);
    }
  }

  private emit(metric: string, dimensions: Record<string, string>, sets: string[][]): void {
    const record = {
      _aws: {
        Timestamp: this.now(),
        CloudWatchMetrics: [
          { Namespace: this.namespace, Dimensions: sets, Metrics: [{ Name: metric, Unit: 'Count' }] },
        ],
      },
      ...dimensions,
      [metric]: 1,
    };
    this.write(`${JSON.stringify(record)}\n`);
  }
}
