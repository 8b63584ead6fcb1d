import {GetBucketTaggingCommand, type S3Client} from '@aws-sdk/client-s3'

import {isAwsError} from './service-errors.js'

export type BucketTarget = {Bucket: string; ExpectedBucketOwner: string}

export function targetOf({bucketName, accountId}: {bucketName: string; accountId: string}) {
  return {Bucket: bucketName, ExpectedBucketOwner: accountId}
}

/** The bucket's tags as a plain object; S3 answers a bucket without any with NoSuchTagSet. */
export async function readBucketTags(
  s3: S3Client,
  target: BucketTarget,
): Promise<Record<string, string>> {
  try {
    const {TagSet = []} = await s3.send(new GetBucketTaggingCommand(target))
    return Object.fromEntries(
      TagSet.flatMap(({Key, Value}) => (Key === undefined ? [] : [[Key, Value ?? '']])),
    )
  } catch (error) {
    if (isAwsError(error, 'NoSuchTagSet')) return {}

    throw error
  }
}
