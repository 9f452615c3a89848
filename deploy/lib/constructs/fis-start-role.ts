import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface FisStartRoleProps {
  /** The bot's task role: the only principal that may assume this role. */
  botRole: iam.IRole;
  /** Only templates carrying this tag (as the harness must tag them) can be started. */
  templateTagKey: string;
  templateTagValue: string;
}

/**
 * The only identity that can start FIS experiments: the bot assumes it for each approved start with a
 * session policy naming that one template, and with the approval id as session name and source
 * identity, so CloudTrail ties every start to its approval. The bot's task role has no
 * fis:StartExperiment of its own. Sessions last the minimum (15 minutes): one start each.
 */
export class FisStartRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: FisStartRoleProps) {
    super(scope, id);
    const { partition, region, account } = Stack.of(this);
    this.role = new iam.Role(this, 'Role', {
      description: 'Start-only role the AgentCore Slack bot assumes per approved FIS experiment',
      assumedBy: props.botRole,
      maxSessionDuration: Duration.hours(1),
    });
    // Passing SourceIdentity needs sts:SetSourceIdentity in the trust policy; requiring one means every
    // session of this role names the approval it serves.
    this.role.assumeRolePolicy?.addStatements(
      new iam.PolicyStatement({
        actions: ['sts:SetSourceIdentity'],
        principals: [props.botRole],
        conditions: { StringLike: { 'sts:SourceIdentity': '?*' } },
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'StartFromOwnTemplatesOnly',
        actions: ['fis:StartExperiment'],
        resources: [`arn:${partition}:fis:${region}:${account}:experiment-template/*`],
        conditions: {
          StringEquals: { [`aws:ResourceTag/${props.templateTagKey}`]: props.templateTagValue },
        },
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'CreateTheExperiment',
        actions: ['fis:StartExperiment'],
        resources: [`arn:${partition}:fis:${region}:${account}:experiment/*`],
      }),
    );
    // The bot may assume it (and set the source identity); nothing else about it.
    props.botRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeTheStartOnlyRole',
        actions: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        resources: [this.role.roleArn],
      }),
    );
  }
}
