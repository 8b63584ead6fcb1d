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

/**
 * The app credential's inline policy: data access to one bucket and nothing else. Bucket
 * configuration (policy, public access, ACLs, versioning, tags) stays with the broker.
 */
export function appPolicyFor(bucketName: string): PolicyDocument {
  const bucketArn = bucketArnFor(bucketName)
  return {
    Version: '2012-10-17',
    Statement: [
      {Sid: 'BucketAccess', Effect: 'Allow', Action: BUCKET_ACTIONS, Resource: bucketArn},
      {Sid: 'ObjectAccess', Effect: 'Allow', Action: OBJECT_ACTIONS, Resource: `${bucketArn}/*`},
    ],
  }
}

/** Refuses every request to the bucket that does not arrive over TLS. */
export function tlsOnlyBucketPolicy(bucketName: string): PolicyDocument {
  const bucketArn = bucketArnFor(bucketName)
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyNonTlsRequests',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: {Bool: {'aws:SecureTransport': 'false'}},
      },
    ],
  }
}

// A name such as `byo-s3-*` would turn a one-bucket policy into one for every bucket.
function bucketArnFor(bucketName: string): string {
  if (!isValidBucketName(bucketName)) {
    throw new Error(`Refusing to build a policy for the invalid bucket name ${bucketName}`)
  }

  return `arn:aws:s3:::${bucketName}`
}
