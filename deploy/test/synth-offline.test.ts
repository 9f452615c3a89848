/**
 * `npm run synth` writes the CloudFormation template to deploy/cdk.out with no AWS credentials and no Docker:
 * the image assets are only hashed and staged at synth time.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lib/app.ts';

const run = promisify(execFile);

describe('npm run synth', () => {
  it('synthesizes offline into deploy/cdk.out, even for a concrete account and region', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of Object.keys(env)) if (/^AWS_|^CDK_DEFAULT_/.test(k)) delete env[k];
    Object.assign(env, {
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
      CI: 'true',
    });
    const context = ['-c', 'account=123456789012', '-c', 'region=us-west-2'];
    await run('npm', ['run', 'synth', '--silent', '--', ...context], {
      cwd: REPO_ROOT,
      env,
      timeout: 120_000,
    });
    const out = path.join(REPO_ROOT, 'deploy', 'cdk.out');
    const template = JSON.parse(readFileSync(path.join(out, 'AgentCoreSlackBot.template.json'), 'utf8'));
    const types = Object.values(template.Resources as Record<string, { Type: string }>).map((r) => r.Type);
    expect(types).toContain('AWS::BedrockAgentCore::Harness');
    expect(types).toContain('AWS::ECS::Service');
    expect(existsSync(path.join(out, 'AgentCoreSlackBot.assets.json'))).toBe(true);
    // No context lookup was needed (it would have required AWS credentials).
    expect(existsSync(path.join(REPO_ROOT, 'deploy', 'cdk.context.json'))).toBe(false);
  }, 120_000);
});
