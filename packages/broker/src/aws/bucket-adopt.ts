import {HeadBucketCommand} from '@aws-sdk/client-s3'

import {BrokerError} from '../errors.js'
import {targetOf} from './bucket-tags.js'
import type {AwsClients, AwsCredentials} from './clients.js'
import {httpStatusOf, isAwsError} from './service-errors.js'

export interface AdoptedBucket {
  bucketName: string
  accountId: string
  /** Where the bucket is thought to be; S3 says where it really is. */
  region: string
  /** The user named the region, so a bucket elsewhere is refused rather than followed. */
  regionChosen: boolean
}

/**
 * Makes sure an existing bucket may be adopted: it exists, it belongs to the linked account
 * (HeadBucket with ExpectedBucketOwner, which S3 refuses with 403 for any other owner), and it
 * is where the add-on says it is. Returns the bucket's region. Nothing about the bucket changes.
 */
export async function checkAdoptableBucket(
  clients: AwsClients,
  credentials: AwsCredentials,
  bucket: AdoptedBucket,
): Promise<string> {
  const head = (region: string) =>
    clients.s3(credentials, region).send(new HeadBucketCommand(targetOf(bucket)))

  let region = bucket.region
  try {
    const reply = await head(region)
    region = reply.BucketRegion ?? region
  } catch (error) {
    // S3 answers a request sent to the wrong region with a redirect naming the right one.
    const actual = redirectRegionOf(error)
    if (actual === undefined) throw adoptionRefused(error, bucket)
    if (bucket.regionChosen) throw regionMismatch(bucket, actual)

    region = actual
    await head(region).catch((retryError: unknown) => {
      throw adoptionRefused(retryError, bucket)
    })
  }

  if (bucket.regionChosen && region !== bucket.region) throw regionMismatch(bucket, region)

  return region
}

function redirectRegionOf(error: unknown): string | undefined {
  const status = httpStatusOf(error)
  if (status !== 301 && status !== 400) return undefined

  const headers = (error as {$response?: {headers?: Record<string, string>}}).$response?.headers
  return headers?.['x-amz-bucket-region']
}

function adoptionRefused(error: unknown, {bucketName, accountId}: AdoptedBucket): unknown {
  if (httpStatusOf(error) === 404 || isAwsError(error, 'NoSuchBucket', 'NotFound')) {
    return new BrokerError(
      422,
      'bucket_not_found',
      `Bucket ${bucketName} does not exist, so it cannot be adopted. Check its name, or leave ` +
        'out --bucket to have byo-s3 create a new bucket.',
      {cause: error},
    )
  }

  if (httpStatusOf(error) === 403 || isAwsError(error, 'AccessDenied', 'Forbidden')) {
    return new BrokerError(
      422,
      'bucket_not_in_account',
      `Bucket ${bucketName} is not in AWS account ${accountId}, which the team is linked to, or ` +
        'the linked AWS identity may not read it. Only a bucket of the linked account can be ' +
        'adopted.',
      {cause: error},
    )
  }

  return error
}

function regionMismatch({bucketName}: AdoptedBucket, actual: string): BrokerError {
  return new BrokerError(
    422,
    'bucket_region_mismatch',
    `Bucket ${bucketName} is in ${actual}, not in the region the add-on was asked for. Leave out ` +
      `--region to use the bucket where it is, or pass --region ${actual}.`,
  )
}
