import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3'

import {BrokerError} from '../errors.js'
import {isValidBucketName} from './bucket-name.js'
import type {AwsClients, AwsCredentials} from './clients.js'
import {tlsOnlyBucketPolicy} from './policy.js'
import {isAwsError} from './service-errors.js'
import {resourceTagsFor} from './tags.js'

/** Where a bucket lives and which account must own it. */
export interface BucketRef {
  bucketName: string
  region: string
  accountId: string
}

export interface BucketTagging {
  addonId: string
  tags: Record<string, string>
}

/**
 * Creates the bucket with ACLs disabled. Safe to repeat: a bucket this account already owns
 * counts as created (in us-east-1 S3 even answers a repeat with 200).
 */
export async function createBucket(
  clients: AwsClients,
  credentials: AwsCredentials,
  bucket: BucketRef,
): Promise<void> {
  const {bucketName, region} = bucket
  if (!isValidBucketName(bucketName)) {
    throw new BrokerError(
      422,
      'invalid_bucket_name',
      `${bucketName} is not a valid S3 bucket name.`,
    )
  }

  try {
    await clients.s3(credentials, region).send(
      new CreateBucketCommand({
        Bucket: bucketName,
        ObjectOwnership: 'BucketOwnerEnforced',
        ...locationFor(region),
      }),
    )
  } catch (error) {
    if (isAwsError(error, 'BucketAlreadyOwnedByYou')) return
    if (isAwsError(error, 'BucketAlreadyExists')) {
      throw new BrokerError(
        409,
        'bucket_name_taken',
        `Another AWS account owns the bucket name ${bucketName}; draw a new name and try again.`,
        {cause: error},
      )
    }

    throw error
  }
}

// us-east-1 refuses a LocationConstraint naming itself; every other region requires one.
function locationFor(region: string) {
  if (region === 'us-east-1') return {}

  return {
    CreateBucketConfiguration: {LocationConstraint: region as BucketLocationConstraint},
  }
}

/**
 * Tags the bucket, then sets the security baseline explicitly instead of trusting AWS defaults,
 * which have changed before. Every call names the expected owner, so a wrong name can never
 * reconfigure a bucket in someone else's account.
 */
export async function secureBucket(
  clients: AwsClients,
  credentials: AwsCredentials,
  request: BucketRef & BucketTagging,
): Promise<void> {
  const s3 = clients.s3(credentials, request.region)
  const target = {Bucket: request.bucketName, ExpectedBucketOwner: request.accountId}

  await tagBucket(s3, target, request)
  await s3.send(
    new PutPublicAccessBlockCommand({
      ...target,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    }),
  )
  await s3.send(
    new PutBucketEncryptionCommand({
      ...target,
      ServerSideEncryptionConfiguration: {
        Rules: [{ApplyServerSideEncryptionByDefault: {SSEAlgorithm: 'AES256'}}],
      },
    }),
  )
  await s3.send(
    new PutBucketPolicyCommand({
      ...target,
      Policy: JSON.stringify(tlsOnlyBucketPolicy(request.bucketName)),
    }),
  )
}

// PutBucketTagging replaces the whole set; that is right only while the bucket is new.
async function tagBucket(
  s3: S3Client,
  target: {Bucket: string; ExpectedBucketOwner: string},
  {addonId, tags}: BucketTagging,
) {
  await s3.send(
    new PutBucketTaggingCommand({...target, Tagging: {TagSet: resourceTagsFor(addonId, tags)}}),
  )
}
