import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  PutBucketTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3'

import {BrokerError} from '../errors.js'
import {applyBucketSettings} from './bucket-configure.js'
import {isValidBucketName} from './bucket-name.js'
import {type BucketSettings, DEFAULT_BUCKET_SETTINGS} from './bucket-settings.js'
import {type BucketTarget, readBucketTags, targetOf} from './bucket-tags.js'
import type {AwsClients, AwsCredentials} from './clients.js'
import {isAwsError} from './service-errors.js'
import {ADDON_UUID_TAG, resourceTagsFor} from './tags.js'

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

export interface BucketConfiguration {
  /** The plan's settings overlaid by the add-on's options; the default plan's when left out. */
  settings?: BucketSettings
}

/**
 * Creates the bucket with ACLs disabled. Safe to repeat: a bucket this account already owns
 * counts as created when its tags show it is this add-on's, or it has no tags yet.
 */
export async function createBucket(
  clients: AwsClients,
  credentials: AwsCredentials,
  bucket: BucketRef & Pick<BucketTagging, 'addonId'>,
): Promise<void> {
  const {bucketName, region} = bucket
  if (!isValidBucketName(bucketName)) {
    throw new BrokerError(
      422,
      'invalid_bucket_name',
      `${bucketName} is not a valid S3 bucket name.`,
    )
  }

  const s3 = clients.s3(credentials, region)
  try {
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucketName,
        ObjectOwnership: 'BucketOwnerEnforced',
        ...locationFor(region),
      }),
    )
  } catch (error) {
    if (isAwsError(error, 'BucketAlreadyOwnedByYou')) return confirmBucketIsOurs(s3, bucket)
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

  // us-east-1 answers a repeated create of a bucket this account owns with 200, as if it were new.
  if (region === 'us-east-1') await confirmBucketIsOurs(s3, bucket)
}

/**
 * The bucket is in this account, but was it made for this add-on? It is when its tags carry the
 * add-on's id. A bucket with no tags at all is taken as ours as well: S3's answer cannot tell a
 * bucket we have just created (untagged until secureBucket runs) from one that already existed
 * untagged, but the account is the team's own and the name's random part was drawn for this
 * add-on, so an untagged bucket of that name is ours in all but the rarest cases. Any other tag
 * set (another add-on's id, or tags someone else set) means it is not ours to reconfigure.
 */
async function confirmBucketIsOurs(s3: S3Client, bucket: BucketRef & {addonId: string}) {
  const tags = await readBucketTags(s3, targetOf(bucket))
  if (Object.keys(tags).length === 0 || tags[ADDON_UUID_TAG] === bucket.addonId) return

  const owner = tags[ADDON_UUID_TAG] === undefined ? 'someone else' : 'another byo-s3 add-on'
  throw new BrokerError(
    409,
    'bucket_not_ours',
    `Bucket ${bucket.bucketName} already exists in AWS account ${bucket.accountId} and is ` +
      `tagged for ${owner}, so the broker will not take it over; a new bucket name is needed.`,
  )
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
 * which have changed before, along with the bucket's own settings (versioning, lifecycle rules,
 * CORS, a public prefix, a KMS key). Every call names the expected owner, so a wrong name can
 * never reconfigure a bucket in someone else's account.
 */
export async function secureBucket(
  clients: AwsClients,
  credentials: AwsCredentials,
  request: BucketRef & BucketTagging & BucketConfiguration,
): Promise<void> {
  const s3 = clients.s3(credentials, request.region)

  await tagBucket(s3, targetOf(request), request)
  const settings = request.settings ?? DEFAULT_BUCKET_SETTINGS
  await applyBucketSettings(clients, credentials, request, settings, null)
}

// PutBucketTagging replaces the whole set; that is right only while the bucket is new.
async function tagBucket(s3: S3Client, target: BucketTarget, {addonId, tags}: BucketTagging) {
  await s3.send(
    new PutBucketTaggingCommand({...target, Tagging: {TagSet: resourceTagsFor(addonId, tags)}}),
  )
}
