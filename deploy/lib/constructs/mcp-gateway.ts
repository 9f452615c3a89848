import { Aws, Stack } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { GatewayTool } from '../../../src/harness-catalog.ts';

export interface McpGatewayProps {
  /** Gateway name (unique in the account and region). */
  name: string;
  target: NonNullable<GatewayTool['create']>;
}

/**
 * An AgentCore Gateway in front of one MCP server that needs SigV4 (an MCP server on AgentCore
 * Runtime): callers sign with IAM (inbound AWS_IAM), and the Gateway signs its calls to the target with
 * its own role (outbound GATEWAY_IAM_ROLE for the bedrock-agentcore service). The role may invoke that
 * one runtime, on its DEFAULT endpoint, and nothing else. The harness attaches the Gateway as an
 * `agentcore_gateway` tool; its role gets InvokeGateway on exactly this Gateway (see Harness).
 */
export class McpGateway extends Construct {
  readonly gateway: agentcore.CfnGateway;
  readonly role: iam.Role;
  readonly gatewayArn: string;

  constructor(scope: Construct, id: string, props: McpGatewayProps) {
    super(scope, id);
    const { partition, region, account } = Stack.of(this);
    this.role = new iam.Role(this, 'Role', {
      description: `Role the ${props.name} Gateway signs its calls to its MCP target with`,
      assumedBy: new iam.ServicePrincipal('bedrock-agentcore.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:bedrock-agentcore:${region}:${account}:gateway/*` },
        },
      }),
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeTheMcpTargetOnly',
        actions: ['bedrock-agentcore:InvokeAgentRuntime'],
        resources: [props.target.runtimeArn, `${props.target.runtimeArn}/runtime-endpoint/DEFAULT`],
      }),
    );
    this.gateway = new agentcore.CfnGateway(this, 'Resource', {
      name: props.name,
      description: 'MCP tools for the Slack bot harness (SigV4 target behind IAM)',
      authorizerType: 'AWS_IAM',
      protocolType: 'MCP',
      roleArn: this.role.roleArn,
    });
    const target = new agentcore.CfnGatewayTarget(this, 'Target', {
      gatewayIdentifier: this.gateway.attrGatewayIdentifier,
      name: props.target.targetName,
      targetConfiguration: { mcp: { mcpServer: { endpoint: props.target.endpoint } } },
      credentialProviderConfigurations: [
        {
          credentialProviderType: 'GATEWAY_IAM_ROLE',
          credentialProvider: { iamCredentialProvider: { service: 'bedrock-agentcore', region } },
        },
      ],
    });
    // The Gateway lists the target's tools when the target is created, signing with the role's policy.
    target.node.addDependency(this.role);
    this.gatewayArn = this.gateway.attrGatewayArn;
  }
}
