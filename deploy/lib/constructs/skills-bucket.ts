import * as path from 'node:path';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

export const SKILLS_PREFIX = 'skills/';

/**
 * skillsSource=s3: the skills/ folder, uploaded at deploy time as an asset into a private bucket, from
 * which the harnesses load them (`skills[].s3`). A skill change then needs `cdk deploy` of this asset
 * only (minutes), no image rebuild; new harness sessions load the new files. Files removed from skills/
 * are removed from the bucket (prune), so the bucket always mirrors the repository.
 */
export class SkillsBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly deployment: s3deploy.BucketDeployment;
  /** s3://<bucket>/skills/ : the bot's SKILLS_BASE_PATH in this mode. */
  readonly baseUri: string;

  constructor(scope: Construct, id: string, props: { repoRoot: string }) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
    });
    this.deployment = new s3deploy.BucketDeployment(this, 'Upload', {
      sources: [s3deploy.Source.asset(path.join(props.repoRoot, 'skills'), { exclude: ['README.md'] })],
      destinationBucket: this.bucket,
      destinationKeyPrefix: SKILLS_PREFIX,
      prune: true,
    });
    this.baseUri = `s3://${this.bucket.bucketName}/${SKILLS_PREFIX}`;
  }
}
