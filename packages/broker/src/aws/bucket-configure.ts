import {isDeepStrictEqual} from 'node:util'

import {
  DeleteBucketCorsCommand,
  GetPublicAccessBlockCommand,
  PutBucketCorsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3'

import {BrokerError} from '../errors.js'
import type {BucketRef} from './bucket-setup.js'
import {
  type BucketSettings,
  bucketPolicyForSettings,
  corsRulesFor,
  encryptionRuleFor,
  lifecycleRulesFor,
  publicAccessBlockFor,
} from './bucket-settings.js'
import {type BucketTarget, targetOf} from './bucket-tags.js'
import type {AwsClients, AwsCredentials} from './clients.js'
import {describeAwsError, isAwsError} from './service-errors.js'

const OWNER_ENFORCED = 'BucketOwnerEnforced'

type Put = (s3: S3Client, target: BucketTarget, settings: BucketSettings) => Promise<void>

interface Part {
  name: string
  /** The part of the settings this call writes; a change in it is what makes the call needed. */
  of: (settings: BucketSettings) => unknown
  /** What a bucket S3 has just created already holds, when that is safe to rely on. */
  fresh?: unknown
  put: Put
}

/**
 * One call per part, in this order: public access is relaxed before a public policy is put
 * (S3 refuses the policy otherwise), and everything after the policy is independent.
 */
const PARTS: Part[] = [
  {name: 'publicAccessBlock', of: publicAccessBlockFor, put: putPublicAccessBlock},
  // CreateBucket sets it, and no setting changes it: only a repair writes it again.
  {name: 'ownership', of: () => OWNER_ENFORCED, fresh: OWNER_ENFORCED, put: putOwnership},
  {name: 'encryption', of: encryptionRuleFor, put: putEncryption},
  {name: 'policy', of: (settings) => settings.publicPrefix, put: putPolicy},
  {name: 'versioning', of: (settings) => settings.versioning, fresh: false, put: putVersioning},
  {name: 'lifecycle', of: lifecycleRulesFor, put: putLifecycle},
  {name: 'cors', of: corsRulesFor, fresh: [], put: putCors},
]

/**
 * The calls that turn a bucket configured with `previous` into one configured with `desired`;
 * with `previous` null, a bucket just created. The security baseline (public access block,
 * encryption, TLS-only policy) and the lifecycle rules are always written to a new bucket
 * rather than trusted to AWS defaults; versioning and CORS only when they are wanted.
 */
export function partsToApply(previous: BucketSettings | null, desired: BucketSettings): string[] {
  return PARTS.filter(({of, fresh}) => {
    const before = previous === null ? fresh : of(previous)
    return before === undefined || !isDeepStrictEqual(before, of(desired))
  }).map(({name}) => name)
}

/**
 * Applies the difference between two configurations of a bucket, or every setting of a new one.
 * Every call names the expected owner, so a wrong name never touches another account's bucket,
 * and every call is safe to repeat.
 */
export async function applyBucketSettings(
  clients: AwsClients,
  credentials: AwsCredentials,
  bucket: BucketRef,
  desired: BucketSettings,
  previous: BucketSettings | null,
): Promise<void> {
  await writeParts(clients, credentials, bucket, desired, partsToApply(previous, desired))
}

/**
 * Writes the named parts of the configuration again, as they should be, whatever the bucket
 * holds now: the repair for settings someone changed behind the broker's back.
 */
export async function writeParts(
  clients: AwsClients,
  credentials: AwsCredentials,
  bucket: BucketRef,
  settings: BucketSettings,
  names: string[],
): Promise<void> {
  const s3 = clients.s3(credentials, bucket.region)
  const target = targetOf(bucket)
  for (const part of PARTS) {
    if (names.includes(part.name)) await part.put(s3, target, settings)
  }
}

/** The parts writeParts can write. */
export const WRITABLE_PARTS = PARTS.map(({name}) => name)

async function putPublicAccessBlock(s3: S3Client, target: BucketTarget, settings: BucketSettings) {
  const flags = publicAccessBlockFor(settings)
  await s3.send(new PutPublicAccessBlockCommand({...target, PublicAccessBlockConfiguration: flags}))
  if (settings.publicPrefix === null) return

  // S3 refuses a public policy until it sees the relaxed flags; a later attempt finds them.
  const {PublicAccessBlockConfiguration: current} = await s3.send(
    new GetPublicAccessBlockCommand(target),
  )
  if (current?.BlockPublicPolicy === true || current?.RestrictPublicBuckets === true) {
    throw new BrokerError(
      503,
      'public_access_block_pending',
      `S3 does not show the relaxed Block Public Access settings of bucket ${target.Bucket} yet.`,
    )
  }
}

async function putOwnership(s3: S3Client, target: BucketTarget) {
  await s3.send(
    new PutBucketOwnershipControlsCommand({
      ...target,
      OwnershipControls: {Rules: [{ObjectOwnership: OWNER_ENFORCED}]},
    }),
  )
}

async function putEncryption(s3: S3Client, target: BucketTarget, settings: BucketSettings) {
  await s3.send(
    new PutBucketEncryptionCommand({
      ...target,
      ServerSideEncryptionConfiguration: {Rules: [encryptionRuleFor(settings)]},
    }),
  )
}

async function putPolicy(s3: S3Client, target: BucketTarget, settings: BucketSettings) {
  const policy = bucketPolicyForSettings(target.Bucket, settings)
  try {
    await s3.send(new PutBucketPolicyCommand({...target, Policy: JSON.stringify(policy)}))
  } catch (error) {
    if (settings.publicPrefix === null || !isAwsError(error, 'AccessDenied')) throw error

    throw new BrokerError(
      422,
      'public_policy_refused',
      `AWS refused the bucket policy that lets anyone read ${settings.publicPrefix} in bucket ` +
        `${target.Bucket} (${describeAwsError(error)}). The bucket's own Block Public Access already allows it, ` +
        `so the AWS account's Block Public Access setting "Block public access to buckets and ` +
        `objects granted through new public bucket or access point policies" ` +
        `(BlockPublicPolicy), or an organisation policy, forbids public buckets. Turn that ` +
        `account setting off in the S3 console, or create the add-on without --public-prefix.`,
      {cause: error},
    )
  }
}

async function putVersioning(s3: S3Client, target: BucketTarget, settings: BucketSettings) {
  // Versioning cannot be turned off once on, only suspended: existing versions stay.
  const Status = settings.versioning ? 'Enabled' : 'Suspended'
  await s3.send(new PutBucketVersioningCommand({...target, VersioningConfiguration: {Status}}))
}

async function putLifecycle(s3: S3Client, target: BucketTarget, settings: BucketSettings) {
  await s3.send(
    new PutBucketLifecycleConfigurationCommand({
      ...target,
      LifecycleConfiguration: {Rules: lifecycleRulesFor(settings)},
    }),
  )
}

async function putCors(s3: S3Client, target: BucketTarget, settings: BucketSettings) {
  const rules = corsRulesFor(settings)
  if (rules.length === 0) {
    await s3.send(new DeleteBucketCorsCommand(target))
    return
  }

  await s3.send(new PutBucketCorsCommand({...target, CORSConfiguration: {CORSRules: rules}}))
}
