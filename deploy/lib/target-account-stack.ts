/**
 * The read-only role the agent assumes in another account, as a template a team deploys to each account it wants
 * assessed (a CloudFormation StackSet over an OU, or one stack per account). StackSet-ready: parameters only, no
 * assets, no CDK bootstrap needed in the target account.
 *
 * Trust: only the harness execution role of the bot's account (parameter), and only with the external id and/or
 * from the organization given. Permissions: the same read-only assessment actions the harness has at home, with the
 * same explicit deny of secret-bearing reads. Nothing here can write, start an experiment or read secrets.
 */
import {
  type App,
  BootstraplessSynthesizer,
  CfnCondition,
  CfnParameter,
  CfnRule,
  Fn,
  Stack,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DEFAULT_TARGET_ROLE_NAME } from '../../src/core/target-accounts.ts';
import { READ_ONLY_ASSESSMENT_ACTIONS, SECRET_BEARING_READS } from './policies/read-only-assessment.ts';

/** Default name of the role in every target account: the one TARGET_ACCOUNTS means by an account id alone. */
export const TARGET_ROLE_NAME = DEFAULT_TARGET_ROLE_NAME;

export class TargetAccountRoleStack extends Stack {
  constructor(scope: App, id: string) {
    super(scope, id, {
      synthesizer: new BootstraplessSynthesizer(),
      analyticsReporting: false,
      description: 'Read-only role the AgentCore Slack bot agent assumes to assess this account',
    });
    const trusted = new CfnParameter(this, 'TrustedRoleArn', {
      type: 'String',
      description:
        "The bot stack's HarnessExecutionRoleArn output (the only principal that may assume this role)",
      allowedPattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/.+$',
    });
    const externalId = new CfnParameter(this, 'ExternalId', {
      type: 'String',
      default: '',
      description:
        'If set, the agent must present this external id (the bot setting TARGET_ACCOUNT_EXTERNAL_ID)',
      allowedPattern: '^[\\w+=,.@:/-]{0,1224}$',
    });
    const orgId = new CfnParameter(this, 'OrganizationId', {
      type: 'String',
      default: '',
      description: 'If set, the caller must belong to this AWS Organization (o-…)',
      allowedPattern: '^(o-[a-z0-9]{10,32})?$',
    });
    const roleName = new CfnParameter(this, 'RoleName', { type: 'String', default: TARGET_ROLE_NAME });
    const hasExternalId = new CfnCondition(this, 'HasExternalId', {
      expression: Fn.conditionNot(Fn.conditionEquals(externalId.valueAsString, '')),
    });
    const hasOrg = new CfnCondition(this, 'HasOrganizationId', {
      expression: Fn.conditionNot(Fn.conditionEquals(orgId.valueAsString, '')),
    });
    // The harness role is already the only principal; an external id or the organization guards it further, and
    // without either the trust's condition block would be empty. One of them is required.
    new CfnRule(this, 'ExternalIdOrOrganization', {
      assertions: [
        {
          assert: Fn.conditionOr(
            Fn.conditionNot(Fn.conditionEquals(externalId.valueAsString, '')),
            Fn.conditionNot(Fn.conditionEquals(orgId.valueAsString, '')),
          ),
          assertDescription: 'Set ExternalId, OrganizationId, or both',
        },
      ],
    });
    const noValue = { Ref: 'AWS::NoValue' };

    new iam.CfnRole(this, 'ReadOnlyRole', {
      roleName: roleName.valueAsString,
      description: 'Assumed by the AgentCore Slack bot agent for read-only assessments',
      maxSessionDuration: 3600,
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: trusted.valueAsString },
            Action: 'sts:AssumeRole',
            Condition: {
              StringEquals: {
                'sts:ExternalId': Fn.conditionIf(hasExternalId.logicalId, externalId.valueAsString, noValue),
                'aws:PrincipalOrgID': Fn.conditionIf(hasOrg.logicalId, orgId.valueAsString, noValue),
              },
            },
          },
        ],
      },
      policies: [
        {
          policyName: 'read-only-assessment',
          policyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'ReadOnlyAssessment',
                Effect: 'Allow',
                Action: [...READ_ONLY_ASSESSMENT_ACTIONS],
                Resource: '*',
              },
              {
                Sid: 'NeverReadSecretBearingData',
                Effect: 'Deny',
                Action: [...SECRET_BEARING_READS],
                Resource: '*',
              },
            ],
          },
        },
      ],
    });
  }
}
