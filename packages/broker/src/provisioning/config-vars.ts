/** The config vars an app receives, named as the manifest declares them. */
export interface BucketAccess {
  bucketName: string
  region: string
  accessKeyId: string
  secretAccessKey: string
}

export function configVarsFor(access: BucketAccess): Record<string, string> {
  return {
    BYO_S3_BUCKET_NAME: access.bucketName,
    BYO_S3_AWS_REGION: access.region,
    BYO_S3_AWS_ACCESS_KEY_ID: access.accessKeyId,
    BYO_S3_AWS_SECRET_ACCESS_KEY: access.secretAccessKey,
  }
}
