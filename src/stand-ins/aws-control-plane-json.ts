/** The JSON-protocol services of the control-plane stand-in: DynamoDB's table descriptions and CloudWatch Logs' groups. */
import { type ControlPlaneState, modelled, required, ServiceError } from './aws-control-plane-model.ts';

export function jsonOp(
  s: ControlPlaneState,
  service: string,
  op: string,
  region: string,
  b: Record<string, unknown>,
): unknown {
  if (service === 'dynamodb') {
    const name = required(b.TableName as string, 'TableName');
    const t = s.tables.get(name);
    const missing = `Requested resource not found: Table: ${name} not found`;
    if (op === 'DescribeTable') {
      if (!t) throw modelled(op, 'ResourceNotFoundException', missing);
      return { Table: t.table };
    }
    if (op === 'DescribeTimeToLive') {
      if (!t) throw modelled(op, 'ResourceNotFoundException', missing);
      return { TimeToLiveDescription: t.ttl };
    }
    if (op === 'DescribeContinuousBackups') {
      if (!t) throw modelled(op, 'TableNotFoundException', `Table not found: ${name}`);
      return {
        ContinuousBackupsDescription: {
          ContinuousBackupsStatus: 'ENABLED',
          PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: t.pitr },
        },
      };
    }
  }
  if (service === 'logs' && op === 'DescribeLogGroups') {
    const prefix = (b.logGroupNamePrefix as string | undefined) ?? '';
    const logGroups = [...s.logGroups.entries()]
      .filter(([k]) => k.startsWith(`${region}/${prefix}`))
      .map(([k, v]) => ({
        logGroupName: k.slice(region.length + 1),
        arn: `arn:aws:logs:${region}:${s.account}:log-group:${k.slice(region.length + 1)}:*`,
        ...(v.retentionInDays ? { retentionInDays: v.retentionInDays } : {}),
      }));
    return { logGroups };
  }
  throw new ServiceError(400, 'UnknownOperationException', `${op} is not served here`);
}
