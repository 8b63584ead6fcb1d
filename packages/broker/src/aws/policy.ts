import {isValidBucketName} from './bucket-name.js'

export interface PolicyStatement {
  Sid: string
  Effect: 'Allow' | 'Deny'
  Principal?: '*'
  Action: string | string[]
  Resource: string | string[]
  Condition?: Record<string, Record<string, string>>
}

export interface PolicyDocument {
  Version: '2012-10-17'
  Statement: PolicyStatement[]
}

// Bucket-level actions only take effect on the bucket ARN and object-level ones only on
// `bucket/*`; a mismatch silently grants nothing.
const BUCKET_ACTIONS = [
  's3:ListBucket',
  's3:GetBucketLocation',
  's3:ListBucketMultipartUploads',
  's3:ListBucketVersions',
]

const OBJECT_ACTIONS = [
  's3:GetObject',
  's3:PutObject',
  's3:DeleteObject',
  's3:AbortMultipartUpload',
  's3:ListMultipartUploadParts',
  's3:GetObjectTagging',
  's3:PutObjectTagging',
  's3:DeleteObjectTagging',
  's3:GetObjectVersion',
  's3:DeleteObjectVersion',
  's3:GetObjectVersionTagging',
]

// What S3 needs from KMS to write (a data key per object, or per bucket key) and to read.
const KMS_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt']

export const PUBLIC_READ_STATEMENT = 'PublicReadPrefix'

const KMS_KEY_ARN = /^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/[a-zA-Z0-9-]+$/
const PUBLIC_PREFIX = /^[a-z0-9][a-z0-9._-]*\/$/

/**
 * The app credential's inline policy: data access to one bucket and nothing else, plus use of
 * the bucket's KMS key when it has one. Bucket configuration (policy, public access, ACLs,
 * versioning, lifecycle, tags) stays with the broker.
 */
export function appPolicyFor(
  bucketName: string,
  {kmsKeyArn = null}: {kmsKeyArn?: string | null} = {},
): PolicyDocument {
  const bucketArn = bucketArnFor(bucketName)
  const statements: PolicyStatement[] = [
    {Sid: 'BucketAccess', Effect: 'Allow', Action: BUCKET_ACTIONS, Resource: bucketArn},
    {Sid: 'ObjectAccess', Effect: 'Allow', Action: OBJECT_ACTIONS, Resource: `${bucketArn}/*`},
  ]
  if (kmsKeyArn !== null) {
    if (!KMS_KEY_ARN.test(kmsKeyArn)) {
      throw new Error(`Refusing to build a policy for the KMS key ARN ${kmsKeyArn}`)
    }

    statements.push({Sid: 'KmsKeyUse', Effect: 'Allow', Action: KMS_ACTIONS, Resource: kmsKeyArn})
  }

  return {Version: '2012-10-17', Statement: statements}
}

/**
 * Refuses every request to the bucket that does not arrive over TLS and, with a public prefix,
 * lets anyone read the objects under that prefix (and nothing else).
 */
export function bucketPolicyFor(
  bucketName: string,
  {publicPrefix = null}: {publicPrefix?: string | null} = {},
): PolicyDocument {
  const bucketArn = bucketArnFor(bucketName)
  const statements: PolicyStatement[] = [
    {
      Sid: 'DenyNonTlsRequests',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: {Bool: {'aws:SecureTransport': 'false'}},
    },
  ]
  if (publicPrefix !== null) {
    // A prefix with `*` or `?` would widen the statement beyond the prefix it names.
    if (!PUBLIC_PREFIX.test(publicPrefix)) {
      throw new Error(`Refusing to make the prefix ${publicPrefix} public`)
    }

    statements.push({
      Sid: PUBLIC_READ_STATEMENT,
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: `${bucketArn}/${publicPrefix}*`,
    })
  }

  return {Version: '2012-10-17', Statement: statements}
}

/** Refuses every request to the bucket that does not arrive over TLS. */
export function tlsOnlyBucketPolicy(bucketName: string): PolicyDocument {
  return bucketPolicyFor(bucketName)
}

// A name such as `byo-s3-*` would turn a one-bucket policy into one for every bucket.
function bucketArnFor(bucketName: string): string {
  if (!isValidBucketName(bucketName)) {
    throw new Error(`Refusing to build a policy for the invalid bucket name ${bucketName}`)
  }

  return `arn:aws:s3:::${bucketName}`
}
