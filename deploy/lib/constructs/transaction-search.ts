/**
 * CloudWatch Transaction Search: X-Ray sends every span to CloudWatch Logs (aws/spans) and indexes a percentage of
 * them as trace summaries, so the harness's traces can be searched. It is one setting per account and Region, so it
 * is opt-in (transactionSearch=on) and belongs to one stack there; CloudFormation needs it disabled beforehand.
 * X-Ray may write the spans only through a CloudWatch Logs resource policy, created first.
 */
import { Fn, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as xray from 'aws-cdk-lib/aws-xray';
import { Construct } from 'constructs';

export interface TransactionSearchProps {
  /** Percentage of spans indexed as trace summaries (1 % is free). */
  indexingPercent: number;
}

export class TransactionSearch extends Construct {
  constructor(scope: Construct, id: string, props: TransactionSearchProps) {
    super(scope, id);
    const { partition, region, account } = Stack.of(this);
    const logGroup = (name: string) => `arn:${partition}:logs:${region}:${account}:log-group:${name}:*`;
    const policy = new logs.CfnResourcePolicy(this, 'SpansPolicy', {
      // Resource policies are per account and Region: the stack name keeps a second stack's apart.
      policyName: Fn.join('-', [Stack.of(this).stackName, 'TransactionSearch']),
      policyDocument: Stack.of(this).toJsonString({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'TransactionSearchXRayAccess',
            Effect: 'Allow',
            Principal: { Service: 'xray.amazonaws.com' },
            Action: 'logs:PutLogEvents',
            Resource: [logGroup('aws/spans'), logGroup('/aws/application-signals/data')],
            Condition: {
              ArnLike: { 'aws:SourceArn': `arn:${partition}:xray:${region}:${account}:*` },
              StringEquals: { 'aws:SourceAccount': account },
            },
          },
        ],
      }),
    });
    const config = new xray.CfnTransactionSearchConfig(this, 'Config', {
      indexingPercentage: props.indexingPercent,
    });
    config.addDependency(policy);
  }
}
