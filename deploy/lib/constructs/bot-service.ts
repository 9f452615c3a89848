import * as path from 'node:path';
import { Aws, Duration, IgnoreMode } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CONTAINER_STOP_TIMEOUT_SECONDS } from '../bot-settings.ts';
import type { Settings } from '../settings.ts';
import { SKILLS_BASE_PATH } from './harness.ts';

export const BOT_PORT = 3000;

export interface BotServiceProps {
  settings: Settings;
  repoRoot: string;
  taskRole: iam.IRole;
  slackSecret: secretsmanager.ISecret;
  harnessArn: string;
  tableName: string;
  /** The start-only role the bot assumes for each approved FIS start (FIS_START_ROLE_ARN). */
  fisStartRoleArn?: string;
  /** CloudWatch namespace of the bot's embedded metrics (one per stack). */
  metricsNamespace: string;
  /** Further environment (the harness routing: HARNESS_TOOLS, HARNESSES, HARNESS_ARNS, SKILLS_BASE_PATH). */
  moreEnvironment?: Record<string, string>;
}

/**
 * The bot on ECS Fargate (ARM64). Socket Mode (default) needs no inbound traffic at all: the task only dials out.
 * HTTP mode puts an internet-facing ALB with an HTTPS listener in front; only the ALB may reach the task's port.
 */
export class BotService extends Construct {
  readonly service: ecs.FargateService;
  readonly logGroup: logs.LogGroup;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer | undefined;
  readonly targetGroup: elbv2.ApplicationTargetGroup | undefined;

  constructor(scope: Construct, id: string, props: BotServiceProps) {
    super(scope, id);
    const s = props.settings;
    const http = s.slackMode === 'http';
    const privateTasks = s.natGateways > 0;

    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: s.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        ...(privateTasks
          ? [{ name: 'tasks', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 }]
          : []),
      ],
    });
    // Keep DynamoDB traffic on the AWS network (free gateway endpoint).
    vpc.addGatewayEndpoint('DynamoDb', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });

    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: s.logRetentionDays as logs.RetentionDays,
    });

    const image = new ecrAssets.DockerImageAsset(this, 'Image', {
      directory: props.repoRoot,
      file: path.join('deploy', 'Dockerfile'),
      platform: ecrAssets.Platform.LINUX_ARM64,
      ignoreMode: IgnoreMode.DOCKER,
      // Allow-list: the image needs the manifest, lockfile, compiler settings and src/ (and manifest.yml and skills/ for
      // the doctor) - never .env or .data.
      exclude: [
        '*',
        '!package.json',
        '!package-lock.json',
        '!tsconfig.json',
        '!src',
        '!manifest.yml',
        '!skills',
        '!deploy/Dockerfile',
        '!deploy/tsconfig.build.json',
      ],
    });

    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: 512,
      memoryLimitMiB: 1024,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
      taskRole: props.taskRole,
    });

    const secret = (key: string) => ecs.Secret.fromSecretsManager(props.slackSecret, key);
    // The bot's own settings (validated at synth by its schema), then what this stack derives for it.
    const environment: Record<string, string> = {
      ...s.bot,
      HARNESS_ARN: props.harnessArn,
      AWS_REGION: Aws.REGION,
      SESSIONS_TABLE: props.tableName,
      SKILLS_BASE_PATH,
      // The harness forgets a session idle this long; the bot must start a new one (with context) by then.
      HARNESS_SESSION_IDLE_SECONDS: String(s.harnessIdleTimeoutSeconds),
      // HTTP mode: Slack traffic and probes; Socket Mode: the /healthz and /readyz server.
      PORT: String(BOT_PORT),
      BOT_MODE: 'slack',
      // FIS works only where this stack created its roles: /fis run refuses other regions with a clear message.
      FIS_REGIONS: Aws.REGION,
      METRICS_NAMESPACE: props.metricsNamespace,
      ...props.moreEnvironment,
      // The start-only role this stack creates: the only identity that can start an experiment.
      ...(props.fisStartRoleArn ? { FIS_START_ROLE_ARN: props.fisStartRoleArn } : {}),
    };
    // The root filesystem is read-only; give the process a scratch /tmp (task-local, discarded with the task).
    taskDefinition.addVolume({ name: 'tmp' });
    const container = taskDefinition.addContainer('bot', {
      image: ecs.ContainerImage.fromDockerImageAsset(image),
      environment,
      // The bot picks Socket Mode when SLACK_APP_TOKEN is set, so HTTP mode must not receive it.
      secrets: {
        SLACK_BOT_TOKEN: secret('SLACK_BOT_TOKEN'),
        ...(http
          ? { SLACK_SIGNING_SECRET: secret('SLACK_SIGNING_SECRET') }
          : { SLACK_APP_TOKEN: secret('SLACK_APP_TOKEN') }),
      },
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'bot', logGroup: this.logGroup }),
      readonlyRootFilesystem: true,
      user: 'node',
      portMappings: http ? [{ containerPort: BOT_PORT, protocol: ecs.Protocol.TCP }] : [],
      stopTimeout: Duration.seconds(CONTAINER_STOP_TIMEOUT_SECONDS),
      // Both modes serve /healthz on PORT; in Socket Mode this is the only health signal ECS gets.
      healthCheck: {
        command: [
          'CMD-SHELL',
          `node -e "fetch('http://127.0.0.1:${BOT_PORT}/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"`,
        ],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
    });
    container.addMountPoints({ containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false });

    const taskSecurityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc,
      description: 'Slack bot tasks: no inbound except from the load balancer in HTTP mode',
      allowAllOutbound: true,
    });

    this.service = new ecs.FargateService(this, 'Service', {
      cluster,
      taskDefinition,
      desiredCount: s.desiredCount,
      securityGroups: [taskSecurityGroup],
      vpcSubnets: { subnetType: privateTasks ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PUBLIC },
      assignPublicIp: !privateTasks,
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: http ? 100 : 0,
      maxHealthyPercent: 200,
      enableExecuteCommand: false,
    });

    if (http) {
      const alb = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', { vpc, internetFacing: true });
      const listener = alb.addListener('Https', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [acm.Certificate.fromCertificateArn(this, 'Certificate', s.certificateArn!)],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        open: true,
      });
      this.targetGroup = listener.addTargets('Bot', {
        port: BOT_PORT,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targets: [this.service],
        healthCheck: { path: '/healthz', healthyHttpCodes: '200', interval: Duration.seconds(30) },
        deregistrationDelay: Duration.seconds(30),
      });
      this.loadBalancer = alb;
    }
  }
}
