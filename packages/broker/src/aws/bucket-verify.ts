import {
  GetBucketEncryptionCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3'

import {BrokerError} from '../errors.js'
import type {BucketRef} from './bucket-setup.js'
import {type BucketTarget, readBucketTags, targetOf} from './bucket-tags.js'
import type {AwsClients, AwsCredentials} from './clients.js'
import {isAwsError} from './service-errors.js'
import {ADDON_UUID_TAG, MANAGED_BY_TAG, MANAGED_BY_VALUE} from './tags.js'

const ACCEPTED_ENCRYPTION = ['AES256', 'aws:kms', 'aws:kms:dsse']
const TLS_ONLY_STATEMENT = 'DenyNonTlsRequests'

type Check = (s3: S3Client, target: BucketTarget, bucket: VerifiedBucket) => Promise<boolean>

export interface VerifiedBucket extends BucketRef {
  addonId: string
}

/** Each setting createBucket and secureBucket apply, and what to tell the team if it is off. */
const CHECKS: {check: Check; failure: string}[] = [
  {
    check: publicAccessBlocked,
    failure:
      'Block Public Access is not fully on (an account or organisation policy may override it)',
  },
  {
    check: ownerEnforced,
    failure: 'Object Ownership is not BucketOwnerEnforced, so ACLs are still in effect',
  },
  {check: encryptedByDefault, failure: 'default encryption is neither SSE-S3 nor SSE-KMS'},
  {check: tlsOnlyPolicy, failure: 'the bucket policy does not refuse requests made without TLS'},
  {
    check: taggedForAddon,
    failure: 'the bucket is not tagged as managed by byo-s3 for this add-on',
  },
]

// S3 answers a bucket without the setting at all with these (404) rather than an empty reply.
const NOT_SET = [
  'NoSuchPublicAccessBlockConfiguration',
  'OwnershipControlsNotFoundError',
  'ServerSideEncryptionConfigurationNotFoundError',
  'NoSuchBucketPolicy',
]

/**
 * Reads back what secureBucket wrote, because the team's account or organisation may refuse or
 * override a setting without the write failing, and the add-on must not hand out a bucket that
 * is not what it promises. Reports every setting that did not hold, not just the first.
 */
export async function verifyBucketSettings(
  clients: AwsClients,
  credentials: AwsCredentials,
  bucket: VerifiedBucket,
): Promise<void> {
  const s3 = clients.s3(credentials, bucket.region)
  const target = targetOf(bucket)

  const failures: string[] = []
  for (const {check, failure} of CHECKS) {
    if (!(await holds(check(s3, target, bucket)))) failures.push(failure)
  }

  if (failures.length === 0) return

  throw new BrokerError(
    422,
    'bucket_settings_not_applied',
    `Bucket ${bucket.bucketName} does not keep the settings byo-s3 applied: ` +
      `${failures.join('; ')}. Check the AWS account's and organisation's policies, then ` +
      `provision the add-on again.`,
  )
}

async function holds(check: Promise<boolean>): Promise<boolean> {
  try {
    return await check
  } catch (error) {
    if (isAwsError(error, ...NOT_SET)) return false

    throw error
  }
}

async function publicAccessBlocked(s3: S3Client, target: BucketTarget) {
  const reply = await s3.send(new GetPublicAccessBlockCommand(target))
  const flags = reply.PublicAccessBlockConfiguration ?? {}
  return (
    flags.BlockPublicAcls === true &&
    flags.IgnorePublicAcls === true &&
    flags.BlockPublicPolicy === true &&
    flags.RestrictPublicBuckets === true
  )
}

async function ownerEnforced(s3: S3Client, target: BucketTarget) {
  const reply = await s3.send(new GetBucketOwnershipControlsCommand(target))
  const rules = reply.OwnershipControls?.Rules ?? []
  return rules.length > 0 && rules.every((rule) => rule.ObjectOwnership === 'BucketOwnerEnforced')
}

async function encryptedByDefault(s3: S3Client, target: BucketTarget) {
  const reply = await s3.send(new GetBucketEncryptionCommand(target))
  const rules = reply.ServerSideEncryptionConfiguration?.Rules ?? []
  return rules.some((rule) => {
    const algorithm = rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm
    return algorithm !== undefined && ACCEPTED_ENCRYPTION.includes(algorithm)
  })
}

async function tlsOnlyPolicy(s3: S3Client, target: BucketTarget) {
  const {Policy: policy} = await s3.send(new GetBucketPolicyCommand(target))
  return policy !== undefined && hasTlsOnlyStatement(policy)
}

async function taggedForAddon(s3: S3Client, target: BucketTarget, bucket: VerifiedBucket) {
  const tags = await readBucketTags(s3, target)
  return tags[MANAGED_BY_TAG] === MANAGED_BY_VALUE && tags[ADDON_UUID_TAG] === bucket.addonId
}

type Statement = {Sid?: unknown; Effect?: unknown; Condition?: unknown}

/**
 * Whether the policy still holds our DenyNonTlsRequests statement: a Deny on the condition
 * `aws:SecureTransport` = false. IAM allows a lone statement instead of a list, condition keys in
 * any case, and a value given as a list or a JSON boolean; all count.
 */
export function hasTlsOnlyStatement(policyText: string): boolean {
  let policy: {Statement?: Statement | Statement[]}
  try {
    policy = JSON.parse(policyText) as typeof policy
  } catch {
    return false
  }

  const statements = [policy?.Statement ?? []].flat()
  return statements.some(
    (statement) =>
      statement?.Sid === TLS_ONLY_STATEMENT &&
      statement.Effect === 'Deny' &&
      secureTransportValues(statement.Condition).some((value) => String(value) === 'false'),
  )
}

function secureTransportValues(condition: unknown): unknown[] {
  const bool = entryIgnoringCase(condition, 'Bool')
  return [entryIgnoringCase(bool, 'aws:SecureTransport') ?? []].flat()
}

function entryIgnoringCase(object: unknown, key: string): unknown {
  if (typeof object !== 'object' || object === null) return undefined

  const wanted = key.toLowerCase()
  return Object.entries(object).find(([name]) => name.toLowerCase() === wanted)?.[1]
}
