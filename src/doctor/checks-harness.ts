/**
 * The harness (AgentCore control plane, Bedrock): it exists and is READY in a region with managed
 * harness, its model is an ACTIVE inference profile (not a foundation model id, not Legacy), its skills
 * sit where SKILLS_BASE_PATH says, and its idle timeout is the one the bot assumes.
 */
import { ALL_SKILLS, skillPath } from '../core/skills.ts';
import { harnessEnv } from './arns.ts';
import { type Check, fail, pass, skip, warn } from './check.ts';
import { awsOf, type DoctorContext, once, Prerequisite } from './context.ts';
import { AwsProbeError, type HarnessInfo } from './ports.ts';

/** Regions with AgentCore managed harness (the seed design's list; AWS adds Regions over time). */
export const HARNESS_REGIONS = ['us-east-1', 'us-west-2', 'eu-central-1', 'ap-southeast-2'] as const;
/** AgentCore's default idleRuntimeSessionTimeout when the harness sets none. */
const DEFAULT_IDLE_SECONDS = 900;
/** Cross-region inference profile prefixes (system-defined profiles). */
const PROFILE_PREFIX = /^(us|eu|apac|jp|au|ca|us-gov|global)\./;

/** The harness, looked up once; a failure here is reported by harness.ready, a SKIP elsewhere. */
export function harnessOf(ctx: DoctorContext): Promise<HarnessInfo> {
  return once(ctx, 'harness', () => awsOf(ctx).harness(ctx.config.harness.arn));
}

export async function readyHarness(ctx: DoctorContext): Promise<HarnessInfo> {
  try {
    return await harnessOf(ctx);
  } catch (err) {
    if (err instanceof Prerequisite) throw err;
    throw new Prerequisite('the harness could not be read (see harness.ready)');
  }
}

export const harnessReady: Check<DoctorContext> = {
  id: 'harness.ready',
  title: 'HARNESS_ARN exists and is READY (bedrock-agentcore:GetHarness)',
  async run(ctx) {
    const { region } = harnessEnv(ctx.config.harness.arn);
    let h: HarnessInfo;
    try {
      h = await harnessOf(ctx);
    } catch (err) {
      if (err instanceof AwsProbeError && err.notFound)
        return fail(
          `no harness ${ctx.config.harness.arn} in ${region}`,
          `correct HARNESS_ARN (aws bedrock-agentcore-control list-harnesses --region ${region}), or deploy it (deploy/README.md)`,
        );
      throw err;
    }
    if (h.status === 'READY') return pass(`${h.arn} is READY`);
    if (h.status === 'CREATING' || h.status === 'UPDATING')
      return warn(`the harness is ${h.status}`, 'wait until it is READY, then run the doctor again');
    return fail(
      `the harness is ${h.status}${h.failureReason ? `: ${h.failureReason}` : ''}`,
      `fix the cause above and update the harness (npm run deploy), or see the AgentCore console → Harnesses in ${region}`,
    );
  },
};

export const harnessRegion: Check<DoctorContext> = {
  id: 'harness.region',
  title: 'the harness region offers AgentCore managed harness',
  async run(ctx) {
    const { region } = harnessEnv(ctx.config.harness.arn);
    const listed = (HARNESS_REGIONS as readonly string[]).includes(region);
    if (listed) return pass(`${region} offers managed harness`);
    const h = await harnessOf(ctx).catch(() => undefined);
    if (h?.status === 'READY')
      return warn(
        `${region} is not in the doctor's list of harness Regions, but the harness there is READY`,
        'none needed; the list in src/doctor/checks-harness.ts is out of date',
      );
    return fail(
      `${region} does not offer AgentCore managed harness (it does: ${HARNESS_REGIONS.join(', ')})`,
      `deploy the harness in one of ${HARNESS_REGIONS.join(', ')} and set HARNESS_ARN to it; the agent still reaches resources in ${region} through each command's region`,
    );
  },
};

export const harnessModel: Check<DoctorContext> = {
  id: 'harness.model',
  title:
    'the harness model is an ACTIVE inference profile in the harness region, and its model is not Legacy (Bedrock)',
  async run(ctx) {
    const h = await readyHarness(ctx);
    const { region } = harnessEnv(h.arn);
    const id = h.bedrockModelId;
    if (!id) return skip('the harness uses a model outside Bedrock');
    const isProfile = PROFILE_PREFIX.test(id) || /:(application-)?inference-profile\//.test(id);
    if (!isProfile)
      return fail(
        `the model "${id}" is a foundation model id: invocations fail with "The provided model identifier is invalid" or "Invocation with on-demand throughput isn't supported"`,
        `set the harness model to an inference profile, e.g. us.${id} or global.${id} (aws bedrock list-inference-profiles --region ${region}), then npm run deploy`,
      );
    const aws = awsOf(ctx);
    let profile: Awaited<ReturnType<typeof aws.inferenceProfile>>;
    try {
      profile = await aws.inferenceProfile(id, region);
    } catch (err) {
      if (err instanceof AwsProbeError && err.notFound)
        return fail(
          `no inference profile "${id}" in ${region}`,
          `pick an ACTIVE profile from aws bedrock list-inference-profiles --region ${region} and set it as the harness model`,
        );
      throw err;
    }
    if (profile.status !== 'ACTIVE')
      return fail(
        `the inference profile ${profile.id} is ${profile.status}`,
        `pick an ACTIVE profile from aws bedrock list-inference-profiles --region ${region}`,
      );
    const modelArn = profile.modelArns.find((a) => a.split(':')[3] === region) ?? profile.modelArns[0];
    const modelId = modelArn?.slice(modelArn.indexOf('foundation-model/') + 'foundation-model/'.length);
    if (!modelId) return pass(`inference profile ${profile.id} is ACTIVE`);
    const model = await aws.foundationModel(modelId, region);
    if (model.lifecycle !== 'ACTIVE')
      return fail(
        `${modelId} (behind ${profile.id}) is marked by its provider as ${model.lifecycle}: invocations will be refused`,
        `switch the harness to a profile of an ACTIVE model (aws bedrock list-foundation-models --region ${region} --query "modelSummaries[?modelLifecycle.status=='ACTIVE']")`,
      );
    return pass(`inference profile ${profile.id} is ACTIVE; ${modelId} is ACTIVE`);
  },
};

export const harnessSkills: Check<DoctorContext> = {
  id: 'harness.skills',
  title: "the harness's skill paths are the ones SKILLS_BASE_PATH gives",
  async run(ctx) {
    const h = await readyHarness(ctx);
    const base = ctx.config.harness.skillsBasePath;
    const missing = ALL_SKILLS.map((s) => skillPath(base, s)).filter((p) => !h.skillPaths.includes(p));
    if (missing.length === 0) return pass(`all ${ALL_SKILLS.length} skills under ${base}`);
    const theirs = h.skillPaths.map((p) => p.slice(0, p.lastIndexOf('/') + 1));
    const other = theirs.find((b) => ALL_SKILLS.every((s) => h.skillPaths.includes(skillPath(b, s))));
    if (other)
      return fail(
        `the harness has the skills under ${other}, the bot asks for them under ${base}`,
        `set SKILLS_BASE_PATH=${other}`,
      );
    return fail(
      `the harness lacks ${missing.join(', ')}`,
      'add them to the harness skills (deploy/lib/constructs/harness.ts does) and npm run deploy',
    );
  },
};

export const harnessIdle: Check<DoctorContext> = {
  id: 'harness.idle-timeout',
  title: 'the harness idle timeout equals HARNESS_SESSION_IDLE_SECONDS',
  async run(ctx) {
    const h = await readyHarness(ctx);
    const theirs = h.idleRuntimeSessionTimeout ?? DEFAULT_IDLE_SECONDS;
    const ours = Math.round(ctx.config.concurrency.sessionIdleMs / 1000);
    if (ours === 0)
      return warn(
        `HARNESS_SESSION_IDLE_SECONDS=0: the bot does not expect sessions to expire (the harness ends them after ${theirs} s idle)`,
        `set HARNESS_SESSION_IDLE_SECONDS=${theirs}`,
      );
    if (ours === theirs) return pass(`${theirs} s on both sides`);
    return fail(
      `the harness ends idle sessions after ${theirs} s, the bot assumes ${ours} s: ${ours > theirs ? 'follow-ups reach an expired session' : 'threads lose their session early'}`,
      `set HARNESS_SESSION_IDLE_SECONDS=${theirs}`,
    );
  },
};

export const HARNESS_CHECKS = [harnessReady, harnessRegion, harnessModel, harnessSkills, harnessIdle];
