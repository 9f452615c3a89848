import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app.ts';
import type { BotStack } from '../../lib/bot-stack.ts';

export interface Synthesized {
  stack: BotStack;
  template: Template;
  /** The raw CloudFormation template. */
  json: CfnTemplate;
  /** Docker image assets from the stack's asset manifest. */
  dockerAssets: DockerAsset[];
  cleanup: () => void;
}

export interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] }>;
  Outputs?: Record<string, unknown>;
}

export interface DockerAsset {
  source: { directory: string; dockerFile?: string; platform?: string };
}

/** Synthesizes the app in-process (no Docker, no AWS calls) into a temporary cloud assembly. */
export function synth(context: Record<string, unknown> = {}): Synthesized {
  const outdir = mkdtempSync(path.join(tmpdir(), 'cdk-test-'));
  const { app, stack } = buildApp({ context, outdir });
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  const assetsFile = path.join(outdir, `${artifact.id}.assets.json`);
  const manifest = JSON.parse(readFileSync(assetsFile, 'utf8')) as {
    dockerImages?: Record<string, DockerAsset>;
  };
  return {
    stack,
    template: Template.fromStack(stack),
    json: artifact.template as CfnTemplate,
    dockerAssets: Object.values(manifest.dockerImages ?? {}),
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** Logical id of the single resource of a type whose logical id contains `hint`. */
export function logicalId(json: CfnTemplate, type: string, hint: string): string {
  const ids = Object.entries(json.Resources)
    .filter(([id, r]) => r.Type === type && id.includes(hint))
    .map(([id]) => id);
  if (ids.length !== 1)
    throw new Error(`expected one ${type} matching ${hint}, found ${ids.join(', ') || 'none'}`);
  return ids[0]!;
}
