/**
 * Inference profiles and regions: a geography-prefixed profile (us., eu., apac., …) serves only its
 * geography's regions, and Bedrock refuses it elsewhere at the first turn; the deploy says so at synth.
 */

/** Which regions each inference-profile geography serves (cross-region inference). */
const PROFILE_GEOGRAPHIES: ReadonlyArray<[prefix: string, regions: RegExp, name: string]> = [
  ['us-gov', /^us-gov-/, 'AWS GovCloud (US) regions'],
  ['us', /^us-(east|west)-\d$/, 'US regions (us-east-1, us-west-2, …)'],
  ['eu', /^eu-/, 'EU regions (eu-central-1, eu-west-1, …)'],
  ['apac', /^ap-/, 'Asia Pacific regions (ap-…)'],
  ['jp', /^ap-northeast-[13]$/, 'Japan regions (ap-northeast-1, ap-northeast-3)'],
  ['au', /^ap-southeast-[24]$/, 'Australia regions (ap-southeast-2, ap-southeast-4)'],
  ['ca', /^ca-/, 'Canada regions (ca-…)'],
  ['global', /^(?!us-gov-|cn-)[a-z]{2}-/, 'commercial regions'],
];

/**
 * A `us.` profile deployed in eu-central-1 is refused by Bedrock at the first turn; say so at synth instead.
 * Unknown region (environment-agnostic synth): nothing to check.
 */
export function modelRegionProblem(modelId: string, region: string | undefined): string | undefined {
  if (!region) return undefined;
  const prefix = /^(us-gov|us|eu|apac|global|jp|au|ca)\./.exec(modelId)?.[1];
  const geo = PROFILE_GEOGRAPHIES.find(([p]) => p === prefix);
  if (!geo || geo[1].test(region)) return undefined;
  return `modelId ${modelId} is a "${prefix}." inference profile, which serves ${geo[2]}, not ${region}: use the profile of ${region}'s geography (for example ${region.startsWith('eu-') ? 'eu.' : region.startsWith('ap-') ? 'apac.' : 'global.'}${foundationModelId(modelId)})`;
}

/** The foundation-model id behind a geography-prefixed inference profile id (us.anthropic.x → anthropic.x). */
export function foundationModelId(inferenceProfileId: string): string {
  return inferenceProfileId.replace(/^(us-gov|us|eu|apac|global|jp|au|ca)\./, '');
}
