import {
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3'

import {BrokerError} from '../errors.js'
import type {BucketConfiguration, BucketRef} from './bucket-setup.js'
import {
  ABORT_MULTIPART_RULE,
  type BucketSettings,
  CORS_METHODS,
  CORS_RULE,
  DEFAULT_BUCKET_SETTINGS,
  NONCURRENT_EXPIRY_RULE,
  publicAccessBlockFor,
} from './bucket-settings.js'
import {type BucketTarget, readBucketTags, targetOf} from './bucket-tags.js'
import type {AwsClients, AwsCredentials} from './clients.js'
import {PUBLIC_READ_STATEMENT} from './policy.js'
import {isAwsError} from './service-errors.js'
import {ADDON_UUID_TAG, MANAGED_BY_TAG, MANAGED_BY_VALUE} from './tags.js'

const ACCEPTED_ENCRYPTION = ['AES256', 'aws:kms', 'aws:kms:dsse']
const TLS_ONLY_STATEMENT = 'DenyNonTlsRequests'

type Check = (s3: S3Client, target: BucketTarget, bucket: VerifiedBucket) => Promise<boolean>

/** The part of a bucket's configuration a check reads, named as bucket-configure.ts writes it. */
export type BucketPart =
  | 'publicAccessBlock'
  | 'ownership'
  | 'encryption'
  | 'policy'
  | 'versioning'
  | 'lifecycle'
  | 'cors'
  | 'tags'

/** A setting that does not hold, and the sentence that says how. */
export interface BucketDrift {
  part: BucketPart
  problem: string
}

export interface VerifiedBucket extends BucketRef {
  addonId: string
  settings: BucketSettings
}

/**
 * Each setting createBucket and secureBucket apply, and what to tell the team if it is off. The
 * baseline is read back for every bucket, CORS only for a bucket that is meant to have it.
 */
function checksFor(settings: BucketSettings): {part: BucketPart; check: Check; failure: string}[] {
  const isPublic = settings.publicPrefix !== null
  return [
    {
      part: 'publicAccessBlock',
      check: publicAccessBlocked,
      failure: isPublic
        ? 'Block Public Access does not allow the public policy while blocking ACLs'
        : 'Block Public Access is not fully on (an account or organisation policy may override it)',
    },
    {
      part: 'ownership',
      check: ownerEnforced,
      failure: 'Object Ownership is not BucketOwnerEnforced, so ACLs are still in effect',
    },
    settings.kmsKeyArn === null
      ? {
          part: 'encryption',
          check: encryptedByDefault,
          failure: 'default encryption is neither SSE-S3 nor SSE-KMS',
        }
      : {
          part: 'encryption',
          check: encryptedWithKey,
          failure: `default encryption is not SSE-KMS with ${settings.kmsKeyArn} and a bucket key`,
        },
    {
      part: 'policy',
      check: policyAsSet,
      failure: isPublic
        ? `the bucket policy does not refuse requests made without TLS and let anyone read ${settings.publicPrefix}`
        : 'the bucket policy does not refuse requests made without TLS',
    },
    {
      part: 'versioning',
      check: versioningAsSet,
      failure: settings.versioning ? 'versioning is not enabled' : 'versioning is enabled',
    },
    {
      part: 'lifecycle',
      check: lifecycleAsSet,
      failure:
        'the lifecycle rules do not abort unfinished uploads' +
        (settings.noncurrentExpiryDays === null ? '' : ' and expire noncurrent versions') +
        ' as set',
    },
    ...(settings.corsOrigins.length === 0
      ? []
      : [
          {
            part: 'cors' as const,
            check: corsAsSet,
            failure: `CORS does not allow ${settings.corsOrigins.join(', ')}`,
          },
        ]),
    {
      part: 'tags',
      check: taggedForAddon,
      failure: 'the bucket is not tagged as managed by byo-s3 for this add-on',
    },
  ]
}

// S3 answers a bucket without the setting at all with these (404) rather than an empty reply.
const NOT_SET = [
  'NoSuchPublicAccessBlockConfiguration',
  'OwnershipControlsNotFoundError',
  'ServerSideEncryptionConfigurationNotFoundError',
  'NoSuchBucketPolicy',
  'NoSuchLifecycleConfiguration',
  'NoSuchCORSConfiguration',
]

/**
 * Reads back what secureBucket, or a plan change, wrote, because the team's account or
 * organisation may refuse or override a setting without the write failing, and the add-on must
 * not hand out a bucket that is not what it promises. Reports every setting that did not hold,
 * not just the first.
 */
export async function verifyBucketSettings(
  clients: AwsClients,
  credentials: AwsCredentials,
  bucket: BucketRef & {addonId: string} & BucketConfiguration,
): Promise<void> {
  const verified = {...bucket, settings: bucket.settings ?? DEFAULT_BUCKET_SETTINGS}
  const failures = await failedChecks(clients, credentials, verified, checksFor(verified.settings))
  if (failures.length === 0) return

  throw new BrokerError(
    422,
    'bucket_settings_not_applied',
    `Bucket ${bucket.bucketName} does not keep the settings byo-s3 applied: ` +
      `${failures.map(({problem}) => problem).join('; ')}. Check the AWS account's and ` +
      `organisation's policies, then provision the add-on again.`,
  )
}

/**
 * Every setting of a live add-on's bucket that no longer holds, read the same way provisioning
 * reads it back, plus one check provisioning does not need: a policy someone widened since.
 */
export async function bucketDrift(
  clients: AwsClients,
  credentials: AwsCredentials,
  bucket: VerifiedBucket,
): Promise<BucketDrift[]> {
  const checks = [
    ...checksFor(bucket.settings),
    {
      part: 'policy' as const,
      check: policyNotWidened,
      failure: 'the bucket policy allows more than byo-s3 set',
    },
  ]
  return failedChecks(clients, credentials, bucket, checks)
}

async function failedChecks(
  clients: AwsClients,
  credentials: AwsCredentials,
  bucket: VerifiedBucket,
  checks: ReturnType<typeof checksFor>,
): Promise<BucketDrift[]> {
  const s3 = clients.s3(credentials, bucket.region)
  const target = targetOf(bucket)
  const failures: BucketDrift[] = []
  for (const {part, check, failure} of checks) {
    if (!(await holds(check(s3, target, bucket)))) failures.push({part, problem: failure})
  }

  return failures
}

async function holds(check: Promise<boolean>): Promise<boolean> {
  try {
    return await check
  } catch (error) {
    if (isAwsError(error, ...NOT_SET)) return false

    throw error
  }
}

async function publicAccessBlocked(s3: S3Client, target: BucketTarget, bucket: VerifiedBucket) {
  const reply = await s3.send(new GetPublicAccessBlockCommand(target))
  const flags = reply.PublicAccessBlockConfiguration ?? {}
  const wanted = publicAccessBlockFor(bucket.settings)
  return (
    flags.BlockPublicAcls === true &&
    flags.IgnorePublicAcls === true &&
    (flags.BlockPublicPolicy ?? false) === wanted.BlockPublicPolicy &&
    (flags.RestrictPublicBuckets ?? false) === wanted.RestrictPublicBuckets
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

async function encryptedWithKey(s3: S3Client, target: BucketTarget, bucket: VerifiedBucket) {
  const reply = await s3.send(new GetBucketEncryptionCommand(target))
  const rules = reply.ServerSideEncryptionConfiguration?.Rules ?? []
  return rules.some(
    (rule) =>
      rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm === 'aws:kms' &&
      rule.ApplyServerSideEncryptionByDefault.KMSMasterKeyID === bucket.settings.kmsKeyArn &&
      rule.BucketKeyEnabled === true,
  )
}

async function policyAsSet(s3: S3Client, target: BucketTarget, bucket: VerifiedBucket) {
  const {Policy: policy} = await s3.send(new GetBucketPolicyCommand(target))
  if (policy === undefined || !hasTlsOnlyStatement(policy)) return false

  const {publicPrefix} = bucket.settings
  return publicPrefix === null || hasPublicReadStatement(policy, target.Bucket, publicPrefix)
}

/**
 * No Allow statement beyond the public read byo-s3 wrote for a public prefix: a Deny someone
 * added only narrows access, an Allow widens it. No policy at all is policyAsSet's to report.
 */
async function policyNotWidened(s3: S3Client, target: BucketTarget, bucket: VerifiedBucket) {
  let policy: string | undefined
  try {
    policy = (await s3.send(new GetBucketPolicyCommand(target))).Policy
  } catch (error) {
    if (isAwsError(error, 'NoSuchBucketPolicy')) return true

    throw error
  }

  const {publicPrefix} = bucket.settings
  const ours = (statement: PublicStatement) =>
    publicPrefix !== null && isPublicReadStatement(statement, target.Bucket, publicPrefix)
  return statementsOf(policy ?? '').every(
    (statement) => statement?.Effect !== 'Allow' || ours(statement),
  )
}

async function versioningAsSet(s3: S3Client, target: BucketTarget, bucket: VerifiedBucket) {
  const {Status: status} = await s3.send(new GetBucketVersioningCommand(target))
  return (status === 'Enabled') === bucket.settings.versioning
}

async function lifecycleAsSet(s3: S3Client, target: BucketTarget, bucket: VerifiedBucket) {
  const {Rules: rules = []} = await s3.send(new GetBucketLifecycleConfigurationCommand(target))
  const enabled = (id: string) => rules.find((rule) => rule.ID === id && rule.Status === 'Enabled')
  const {abortMultipartDays, noncurrentExpiryDays} = bucket.settings
  const abort = enabled(ABORT_MULTIPART_RULE)?.AbortIncompleteMultipartUpload?.DaysAfterInitiation
  const expiry = enabled(NONCURRENT_EXPIRY_RULE)?.NoncurrentVersionExpiration?.NoncurrentDays
  return abort === abortMultipartDays && (expiry ?? null) === noncurrentExpiryDays
}

async function corsAsSet(s3: S3Client, target: BucketTarget, bucket: VerifiedBucket) {
  const {CORSRules: rules = []} = await s3.send(new GetBucketCorsCommand(target))
  const rule = rules.find(({ID}) => ID === CORS_RULE)
  const sameSet = (actual: string[] = [], wanted: string[]) =>
    actual.length === wanted.length && wanted.every((value) => actual.includes(value))
  return (
    rule !== undefined &&
    sameSet(rule.AllowedOrigins, bucket.settings.corsOrigins) &&
    sameSet(rule.AllowedMethods, CORS_METHODS)
  )
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

/** Whether the policy lets anyone (and only GetObject) read the objects under the prefix. */
function hasPublicReadStatement(policyText: string, bucketName: string, prefix: string): boolean {
  return statementsOf(policyText).some((statement) =>
    isPublicReadStatement(statement, bucketName, prefix),
  )
}

function isPublicReadStatement(statement: PublicStatement, bucketName: string, prefix: string) {
  const resource = `arn:aws:s3:::${bucketName}/${prefix}*`
  return (
    statement?.Sid === PUBLIC_READ_STATEMENT &&
    statement.Effect === 'Allow' &&
    isEveryone(statement.Principal) &&
    [statement.Action].flat().join() === 's3:GetObject' &&
    [statement.Resource].flat().join() === resource
  )
}

// A policy that is not JSON has no statement to read; policyAsSet reports it as lacking ours.
function statementsOf(policyText: string): PublicStatement[] {
  try {
    const policy = JSON.parse(policyText) as {Statement?: PublicStatement | PublicStatement[]}
    return [policy?.Statement ?? []].flat()
  } catch {
    return []
  }
}

// IAM writes "anyone" as `*` or as `{"AWS": "*"}`, a value that may also come as a list.
function isEveryone(principal: unknown): boolean {
  const aws = typeof principal === 'object' ? entryIgnoringCase(principal, 'AWS') : principal
  return [aws].flat().join() === '*'
}

type PublicStatement = Statement & {Principal?: unknown; Action?: unknown; Resource?: unknown}

function secureTransportValues(condition: unknown): unknown[] {
  const bool = entryIgnoringCase(condition, 'Bool')
  return [entryIgnoringCase(bool, 'aws:SecureTransport') ?? []].flat()
}

function entryIgnoringCase(object: unknown, key: string): unknown {
  if (typeof object !== 'object' || object === null) return undefined

  const wanted = key.toLowerCase()
  return Object.entries(object).find(([name]) => name.toLowerCase() === wanted)?.[1]
}
