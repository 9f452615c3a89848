import { RemovalPolicy } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** The JSON keys of the Slack secret; each becomes the environment variable of the same name in the bot. */
export const SLACK_SECRET_KEYS = ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET'] as const;

export interface SlackSecretProps {
  /** Reference an existing secret by name instead of creating one. */
  existingSecretName: string | undefined;
}

/**
 * The Slack credentials in Secrets Manager. The template never contains a token: either the secret already exists
 * and is referenced by name, or it is created holding only empty placeholders that an operator then replaces with
 * `aws secretsmanager put-secret-value` (see deploy/README.md).
 */
export class SlackSecret extends Construct {
  readonly secret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: SlackSecretProps) {
    super(scope, id);
    if (props.existingSecretName) {
      this.secret = secretsmanager.Secret.fromSecretNameV2(this, 'Existing', props.existingSecretName);
      return;
    }
    const placeholders = Object.fromEntries(SLACK_SECRET_KEYS.map((k) => [k, '']));
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: 'Slack tokens for the AgentCore Slack bot: put the real values with put-secret-value',
      // CloudFormation needs a generator or a value; the generated key is unused and carries no Slack credential.
      generateSecretString: {
        secretStringTemplate: JSON.stringify(placeholders),
        generateStringKey: 'unused',
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
