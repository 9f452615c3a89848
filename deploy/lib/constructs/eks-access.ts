import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface EksAccessProps {
  /** Clusters in this stack's account and region (their authentication mode must include API). */
  clusterNames: string[];
  /** The harness execution role: the agent reads the clusters as this principal. */
  role: iam.IRole;
}

/** AWS-managed EKS access policy: read-only view of most Kubernetes objects, Secrets excluded. */
export const EKS_VIEW_POLICY = 'AmazonEKSViewPolicy';

/**
 * An EKS access entry per configured cluster, so the EKS assessment skill can read the cluster's Kubernetes objects
 * (AmazonEKSViewPolicy, cluster-wide) without anyone editing aws-auth. Removing a cluster from the setting removes
 * its entry on the next deploy.
 */
export class EksAccess extends Construct {
  readonly entries: eks.CfnAccessEntry[];

  constructor(scope: Construct, id: string, props: EksAccessProps) {
    super(scope, id);
    const { partition } = Stack.of(this);
    this.entries = props.clusterNames.map(
      (clusterName) =>
        new eks.CfnAccessEntry(this, `Cluster-${clusterName}`, {
          clusterName,
          principalArn: props.role.roleArn,
          type: 'STANDARD',
          accessPolicies: [
            {
              policyArn: `arn:${partition}:eks::aws:cluster-access-policy/${EKS_VIEW_POLICY}`,
              accessScope: { type: 'cluster' },
            },
          ],
        }),
    );
  }
}
