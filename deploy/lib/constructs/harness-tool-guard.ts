import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface HarnessToolGuardProps {
  /** The harness execution role: it invokes the hook's Lambda. */
  executionRole: iam.IRole;
}

/**
 * Defence in depth at the harness: a before_tool_call lifecycle hook (a blocking Lambda, failure mode
 * deny) that refuses shell commands starting or changing FIS experiments, or making AWS writes outside
 * a small allow-list (deploy/lambda/tool-guard/index.mjs). IAM already keeps the harness from
 * starting experiments; this holds even if someone widens its role by hand. A denial skips the tool
 * call and shows in the stream as a hookEvent, which the bot reports in the thread.
 */
export class HarnessToolGuard extends Construct {
  readonly fn: lambda.Function;
  /** The hook to put on the harness (CfnHarness `hooks`). */
  readonly hook: agentcore.CfnHarness.HarnessHookProperty;

  constructor(scope: Construct, id: string, props: HarnessToolGuardProps) {
    super(scope, id);
    this.fn = new lambda.Function(this, 'Function', {
      description:
        'AgentCore Slack bot: refuses experiment-changing and non-allow-listed AWS writes in the harness shell',
      // The newest Node.js Lambda runtime (cdk-nag L1); the handler is plain ESM with no dependencies.
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      // Plain JavaScript run as written: the asset is this one directory, nothing bundled.
      code: lambda.Code.fromAsset(path.join(import.meta.dirname, '..', '..', 'lambda', 'tool-guard'), {
        exclude: ['*.d.mts'],
      }),
      memorySize: 128,
      timeout: Duration.seconds(5),
      logGroup: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS }),
    });
    // The harness calls the function as its execution role ("Grant the harness execution role permission to
    // call each target", harness-lifecycle-hooks): an identity grant, no resource policy for anyone else.
    this.fn.grantInvoke(props.executionRole);
    this.hook = {
      beforeToolCall: {
        name: 'tool-guard',
        // Blocking, and a Lambda error, timeout or invalid answer denies the call rather than letting it
        // through. The wait matches the function's own timeout; the stream is idle meanwhile.
        target: { lambda: { arn: this.fn.functionArn, failureMode: 'deny', timeoutSeconds: 5 } },
      },
    };
  }
}
