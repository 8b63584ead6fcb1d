import type {
  CORSRule,
  LifecycleRule,
  PublicAccessBlockConfiguration,
  ServerSideEncryptionRule,
} from '@aws-sdk/client-s3'

import {bucketPolicyFor, type PolicyDocument} from './policy.js'

/**
 * What a bucket is configured with beyond the security baseline every bucket gets. A plan gives
 * the starting values and the add-on's options override them; the result is stored on the
 * resource row as it is, so the same shape is what the dashboard shows.
 */
export interface BucketSettings {
  versioning: boolean
  /** Days after which a version that is no longer current is deleted; null keeps them. */
  noncurrentExpiryDays: number | null
  /** Days after which an unfinished multipart upload is aborted and its parts deleted. */
  abortMultipartDays: number
  /** Browser origins allowed to GET, PUT, POST and HEAD objects; empty means no CORS at all. */
  corsOrigins: string[]
  /** A key prefix, such as `public/`, whose objects anyone may read; null keeps all private. */
  publicPrefix: string | null
  /** The KMS key that encrypts new objects (SSE-KMS); null means SSE-S3. */
  kmsKeyArn: string | null
}

export const DEFAULT_BUCKET_SETTINGS: BucketSettings = {
  versioning: false,
  noncurrentExpiryDays: null,
  abortMultipartDays: 7,
  corsOrigins: [],
  publicPrefix: null,
  kmsKeyArn: null,
}

export const ABORT_MULTIPART_RULE = 'byo-s3-abort-incomplete-multipart-uploads'
export const NONCURRENT_EXPIRY_RULE = 'byo-s3-expire-noncurrent-versions'
export const CORS_RULE = 'byo-s3-cors'
export const CORS_METHODS = ['GET', 'PUT', 'POST', 'HEAD']
const CORS_MAX_AGE_SECONDS = 3000

/**
 * All four flags on, unless a prefix is public: then only the two that would refuse or neutralise
 * a public bucket policy are off, and ACLs stay blocked and ignored.
 */
export function publicAccessBlockFor(settings: BucketSettings): PublicAccessBlockConfiguration {
  const isPrivate = settings.publicPrefix === null
  return {
    BlockPublicAcls: true,
    IgnorePublicAcls: true,
    BlockPublicPolicy: isPrivate,
    RestrictPublicBuckets: isPrivate,
  }
}

/** SSE-S3, or SSE-KMS with a bucket key, which cuts KMS requests (and their cost) per object. */
export function encryptionRuleFor(settings: BucketSettings): ServerSideEncryptionRule {
  if (settings.kmsKeyArn === null) {
    return {ApplyServerSideEncryptionByDefault: {SSEAlgorithm: 'AES256'}}
  }

  return {
    ApplyServerSideEncryptionByDefault: {
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: settings.kmsKeyArn,
    },
    BucketKeyEnabled: true,
  }
}

export function bucketPolicyForSettings(
  bucketName: string,
  settings: BucketSettings,
): PolicyDocument {
  return bucketPolicyFor(bucketName, {publicPrefix: settings.publicPrefix})
}

/** The broker's lifecycle rules, which replace the bucket's whole lifecycle configuration. */
export function lifecycleRulesFor(settings: BucketSettings): LifecycleRule[] {
  const wholeBucket = {Status: 'Enabled' as const, Filter: {Prefix: ''}}
  const rules: LifecycleRule[] = [
    {
      ID: ABORT_MULTIPART_RULE,
      ...wholeBucket,
      AbortIncompleteMultipartUpload: {DaysAfterInitiation: settings.abortMultipartDays},
    },
  ]
  if (settings.noncurrentExpiryDays !== null) {
    rules.push({
      ID: NONCURRENT_EXPIRY_RULE,
      ...wholeBucket,
      NoncurrentVersionExpiration: {NoncurrentDays: settings.noncurrentExpiryDays},
    })
  }

  return rules
}

/**
 * Lets pages on the given origins upload and download objects directly, presigned URLs
 * included; ETag is exposed so multipart uploads from a browser can complete.
 */
export function corsRulesFor(settings: BucketSettings): CORSRule[] {
  if (settings.corsOrigins.length === 0) return []

  return [
    {
      ID: CORS_RULE,
      AllowedOrigins: settings.corsOrigins,
      AllowedMethods: CORS_METHODS,
      AllowedHeaders: ['*'],
      ExposeHeaders: ['ETag'],
      MaxAgeSeconds: CORS_MAX_AGE_SECONDS,
    },
  ]
}
