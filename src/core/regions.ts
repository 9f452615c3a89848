/**
 * AWS Regions a command may target. A typo such as `us-west-3` should be caught before a run starts,
 * so the list is explicit; add new Regions here as AWS launches them.
 */
export const AWS_REGIONS: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-south-1',
  'eu-south-2',
  'eu-north-1',
  'il-central-1',
  'me-south-1',
  'me-central-1',
  'mx-central-1',
  'sa-east-1',
  'us-gov-east-1',
  'us-gov-west-1',
  'cn-north-1',
  'cn-northwest-1',
];

const KNOWN = new Set(AWS_REGIONS);

export function isKnownRegion(s: string): boolean {
  return KNOWN.has(s);
}

/** Looks like a Region (so it was meant as one) even if it is not a known one. */
export function looksLikeRegion(s: string): boolean {
  return /^[a-z]{2}(-gov)?-[a-z]+-\d{1,2}$/.test(s);
}
