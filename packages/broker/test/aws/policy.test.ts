import {expect} from 'chai'

import {
  appPolicyFor,
  bucketPolicyFor,
  type PolicyDocument,
  tlsOnlyBucketPolicy,
} from '../../src/aws/policy.js'

const BUCKET = 'byo-s3-shop-abcdefghijkl'
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`

const FORBIDDEN_ACTIONS = [
  's3:*',
  's3:DeleteBucket',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutBucketAcl',
  's3:PutObjectAcl',
  's3:PutObjectVersionAcl',
  's3:PutBucketPublicAccessBlock',
  's3:PutAccountPublicAccessBlock',
  's3:PutBucketOwnershipControls',
  's3:PutEncryptionConfiguration',
  's3:PutBucketTagging',
  's3:PutBucketVersioning',
  's3:PutLifecycleConfiguration',
  's3:PutBucketObjectLockConfiguration',
  's3:ListAllMyBuckets',
]

function asList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value]
}

function statement(policy: PolicyDocument, sid: string) {
  const found = policy.Statement.find((candidate) => candidate.Sid === sid)
  if (!found) throw new Error(`no statement ${sid}`)
  return found
}

/** The policy as IAM receives it: a JSON string. */
function roundTrip(policy: PolicyDocument): PolicyDocument {
  return JSON.parse(JSON.stringify(policy)) as PolicyDocument
}

describe('appPolicyFor', () => {
  const policy = roundTrip(appPolicyFor(BUCKET))
  const actions = policy.Statement.flatMap((entry) => asList(entry.Action))
  const resources = policy.Statement.flatMap((entry) => asList(entry.Resource))

  it('allows the bucket-level actions on the bucket ARN only', () => {
    const bucket = statement(policy, 'BucketAccess')
    expect(bucket.Effect).to.equal('Allow')
    expect(bucket.Resource).to.equal(BUCKET_ARN)
    expect(asList(bucket.Action)).to.have.members([
      's3:ListBucket',
      's3:GetBucketLocation',
      's3:ListBucketMultipartUploads',
      's3:ListBucketVersions',
    ])
  })

  it('allows the object-level actions on the bucket’s objects only', () => {
    const objects = statement(policy, 'ObjectAccess')
    expect(objects.Effect).to.equal('Allow')
    expect(objects.Resource).to.equal(`${BUCKET_ARN}/*`)
    expect(asList(objects.Action)).to.have.members([
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
    ])
  })

  it('names no resource but the bucket and its objects', () => {
    expect(policy.Statement).to.have.length(2)
    for (const resource of resources) expect([BUCKET_ARN, `${BUCKET_ARN}/*`]).to.include(resource)
    expect(resources).not.to.include('*')
  })

  it('grants nothing outside S3 and no bucket configuration', () => {
    for (const action of actions) {
      expect(action).to.match(/^s3:[A-Za-z]+$/)
      expect(action).not.to.match(/^(iam|sts|kms):/)
    }

    for (const forbidden of FORBIDDEN_ACTIONS) expect(actions).not.to.include(forbidden)
  })

  it('only allows, never denies or names a principal', () => {
    for (const entry of policy.Statement) {
      expect(entry.Effect).to.equal('Allow')
      expect(entry).not.to.have.property('Principal')
    }
  })

  it('fits the 2,048-character inline policy quota of a user', () => {
    const size = JSON.stringify(policy).replace(/\s/g, '').length
    expect(size).to.be.below(2048)
  })

  it('refuses a bucket name that could widen the grant', () => {
    expect(() => appPolicyFor('byo-s3-*')).to.throw(/invalid bucket name/)
    expect(() => appPolicyFor('')).to.throw(/invalid bucket name/)
  })
})

describe('tlsOnlyBucketPolicy', () => {
  it('denies every request to the bucket and its objects that is not made over TLS', () => {
    expect(roundTrip(tlsOnlyBucketPolicy(BUCKET))).to.deep.equal({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyNonTlsRequests',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
          Condition: {Bool: {'aws:SecureTransport': 'false'}},
        },
      ],
    })
  })
})

describe('appPolicyFor with a KMS key', () => {
  const KMS_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'
  const policy = roundTrip(appPolicyFor(BUCKET, {kmsKeyArn: KMS_KEY}))

  it('lets the app generate data keys and decrypt with that one key, and nothing else in KMS', () => {
    const kms = policy.Statement.filter((entry) =>
      asList(entry.Action).some((action) => action.startsWith('kms:')),
    )

    expect(kms).to.deep.equal([
      {
        Sid: 'KmsKeyUse',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: KMS_KEY,
      },
    ])
  })

  it('still fits the inline policy quota', () => {
    expect(JSON.stringify(policy).replace(/\s/g, '').length).to.be.below(2048)
  })

  it('refuses anything but one key’s ARN', () => {
    expect(() =>
      appPolicyFor(BUCKET, {kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/*'}),
    ).to.throw(/KMS key ARN/)
    expect(() => appPolicyFor(BUCKET, {kmsKeyArn: '*'})).to.throw(/KMS key ARN/)
  })
})

describe('bucketPolicyFor with a public prefix', () => {
  it('keeps the TLS-only statement and lets anyone get objects under the prefix only', () => {
    const policy = roundTrip(bucketPolicyFor(BUCKET, {publicPrefix: 'public/'}))

    expect(policy.Statement.map((entry) => entry.Sid)).to.deep.equal([
      'DenyNonTlsRequests',
      'PublicReadPrefix',
    ])
    expect(statement(policy, 'PublicReadPrefix')).to.deep.equal({
      Sid: 'PublicReadPrefix',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: `${BUCKET_ARN}/public/*`,
    })
  })

  it('refuses a prefix that would widen the statement', () => {
    for (const prefix of ['*', 'public*/', '/', 'public']) {
      expect(() => bucketPolicyFor(BUCKET, {publicPrefix: prefix}), prefix).to.throw(
        /Refusing to make the prefix/,
      )
    }
  })
})
