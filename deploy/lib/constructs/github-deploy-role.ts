import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

export interface GithubDeployRoleProps {
  /** owner/repository whose workflows may deploy. */
  repository: string;
  /** Only workflow runs on this branch (refs/heads/<branch>). */
  branch: string;
  /** The account's existing GitHub OIDC provider; unset: one is created (one per account). */
  existingProviderArn: string | undefined;
}

/**
 * Opt-in (githubRepository): the role GitHub Actions assumes through OIDC to run `cdk deploy` for this stack, so CI
 * holds no long-lived AWS keys. It can do one thing: assume this account's CDK bootstrap roles (publish assets,
 * deploy through CloudFormation, look up context) in this region, and read this stack's status. What a deployment
 * may change is bounded by the bootstrap's CloudFormation execution policy (deploy/README.md, "CI/CD").
 */
export class GithubDeployRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: GithubDeployRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { partition, region, account } = stack;
    const providerArn =
      props.existingProviderArn ??
      new iam.OidcProviderNative(this, 'GithubOidc', {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIds: ['sts.amazonaws.com'],
      }).oidcProviderArn;

    this.role = new iam.Role(this, 'Role', {
      description: `GitHub Actions deploy role for ${props.repository} (${props.branch}) and stack ${stack.stackName}`,
      maxSessionDuration: Duration.hours(1),
      assumedBy: new iam.FederatedPrincipal(
        providerArn,
        {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
            [`${GITHUB_OIDC_HOST}:sub`]: `repo:${props.repository}:ref:refs/heads/${props.branch}`,
          },
        },
        'sts:AssumeRoleWithWebIdentity',
      ),
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'UseCdkBootstrapRolesOfThisRegion',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: [`arn:${partition}:iam::${account}:role/cdk-*-${account}-${region}`],
        conditions: {
          StringEquals: {
            'iam:ResourceTag/aws-cdk:bootstrap-role': [
              'deploy',
              'file-publishing',
              'image-publishing',
              'lookup',
            ],
          },
        },
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadThisStack',
        actions: ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackEvents'],
        resources: [
          stack.formatArn({
            service: 'cloudformation',
            resource: 'stack',
            resourceName: `${stack.stackName}/*`,
          }),
        ],
      }),
    );
    new CfnOutput(stack, 'GithubDeployRoleArn', {
      value: this.role.roleArn,
      description: 'Put this in the repository variable AWS_DEPLOY_ROLE_ARN (.github/workflows/deploy.yml)',
    });
  }
}
