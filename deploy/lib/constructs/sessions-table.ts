import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

/** Sparse index of pending approvals (by expiry) and running experiments; src/adapters/approval-store.ts uses it. */
export const SESSIONS_GSI = { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' } as const;

/**
 * The bot's single DynamoDB table (single-table design): pk/sk strings, TTL on `ttl` (epoch seconds), on-demand,
 * point-in-time recovery, KMS encryption, and the sparse index SESSIONS_GSI (projection ALL). Retained on stack
 * deletion: it holds the audit trail of approvals.
 */
export class SessionsTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'ttl',
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Only items that set gsi1pk appear in it (sparse): pending approvals and running experiments.
    this.table.addGlobalSecondaryIndex({
      indexName: SESSIONS_GSI.name,
      partitionKey: { name: SESSIONS_GSI.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: SESSIONS_GSI.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }
}
