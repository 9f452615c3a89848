/** HTTP mode: the bot behind an internet-facing ALB with an HTTPS listener, reachable only through it. */
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { synth } from './helpers/synth.ts';

const CERT = 'arn:aws:acm:us-west-2:123456789012:certificate/11111111-2222-3333-4444-555555555555';
const s = synth({
  slackMode: 'http',
  certificateArn: CERT,
  desiredCount: 2,
  account: '123456789012',
  region: 'us-west-2',
});
afterAll(() => s.cleanup());
const { template } = s;

interface Container {
  Environment: { Name: string; Value: unknown }[];
  Secrets: { Name: string }[];
  PortMappings: { ContainerPort: number }[];
}
const container = (): Container => {
  const [td] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
  return (td!.Properties as { ContainerDefinitions: Container[] }).ContainerDefinitions[0]!;
};

describe('HTTP mode', () => {
  it('terminates TLS on the load balancer with the given certificate', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: CERT }],
    });
    template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTP' }, 0);
  });

  it('health-checks GET /healthz on port 3000', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 3000,
      HealthCheckPath: '/healthz',
      TargetType: 'ip',
    });
    expect(container().PortMappings.map((p) => p.ContainerPort)).toEqual([3000]);
  });

  it('gives the bot the signing secret and not the app token, so it starts in HTTP mode', () => {
    const c = container();
    expect(c.Secrets.map((x) => x.Name).sort()).toEqual(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']);
    expect(c.Environment.find((e) => e.Name === 'PORT')?.Value).toBe('3000');
  });

  it('lets only the load balancer reach the task port', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 3000,
      ToPort: 3000,
      SourceSecurityGroupId: Match.anyValue(),
    });
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'));
    for (const i of ingress) expect((i.Properties as { CidrIp?: string }).CidrIp).toBeUndefined();
  });

  it('alarms on 5xx answers and unhealthy targets too', () => {
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .map((a) => (a.Properties as { MetricName?: string }).MetricName)
      .filter(Boolean)
      .sort();
    expect(names).toEqual([
      'BotErrorLogs',
      'HTTPCode_Target_5XX_Count',
      'RunningTaskCount',
      'UnHealthyHostCount',
    ]);
  });

  it('deploys to the configured account and region', () => {
    expect(s.stack.account).toBe('123456789012');
    expect(s.stack.region).toBe('us-west-2');
    template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 2 });
  });
});
