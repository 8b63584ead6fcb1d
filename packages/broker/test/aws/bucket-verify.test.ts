import {expect} from 'chai'

import {secureBucket} from '../../src/aws/bucket-setup.js'
import {type BucketSettings, DEFAULT_BUCKET_SETTINGS} from '../../src/aws/bucket-settings.js'
import {hasTlsOnlyStatement, verifyBucketSettings} from '../../src/aws/bucket-verify.js'
import {tlsOnlyBucketPolicy} from '../../src/aws/policy.js'
import {BrokerError} from '../../src/errors.js'
import {bucketState, type FakeBucket, fakeBucket, s3Operation} from '../helpers/aws-fake-bucket.js'
import {ACCOUNT_ID, LINKED_CREDENTIALS, testClients} from '../helpers/aws-fakes.js'
import {s3Error} from '../helpers/aws-xml.js'

const BUCKET = 'byo-s3-shop-abcdefghijkl'
const REGION = 'eu-west-1'
const ADDON_ID = '01234567-89ab-cdef-0123-456789abcdef'
const bucket = {bucketName: BUCKET, region: REGION, accountId: ACCOUNT_ID, addonId: ADDON_ID}

/** A new, unversioned bucket as secureBucket leaves it, read back through the fake. */
async function securedBucket(): Promise<{
  state: FakeBucket
  requests: ReturnType<typeof fakeBucket>
}> {
  const state = bucketState({versioning: undefined})
  const requests = fakeBucket(BUCKET, REGION, state)
  await secureBucket(testClients(), LINKED_CREDENTIALS, {
    ...bucket,
    tags: {'byo-s3:app-name': 'shop'},
  })
  requests.length = 0
  return {state, requests}
}

function verify() {
  return verifyBucketSettings(testClients(), LINKED_CREDENTIALS, bucket)
}

async function refusal(): Promise<BrokerError> {
  const error = await verify().then(
    () => {
      throw new Error('expected a rejection')
    },
    (rejection: unknown) => rejection,
  )
  expect(error).to.be.instanceOf(BrokerError)
  expect(error).to.include({status: 422, id: 'bucket_settings_not_applied'})
  return error as BrokerError
}

describe('verifyBucketSettings', () => {
  it('passes a bucket that holds everything secureBucket set', async () => {
    const {requests} = await securedBucket()

    await verify()

    expect(requests.map(s3Operation)).to.deep.equal([
      'GetPublicAccessBlock',
      'GetBucketOwnershipControls',
      'GetBucketEncryption',
      'GetBucketPolicy',
      'GetBucketVersioning',
      'GetBucketLifecycleConfiguration',
      'GetBucketTagging',
    ])
  })

  it('names the expected bucket owner on every read', async () => {
    const {requests} = await securedBucket()

    await verify()

    for (const request of requests) {
      expect(request.headers['x-amz-expected-bucket-owner']).to.equal(ACCOUNT_ID)
    }
  })

  it('accepts SSE-KMS default encryption as well', async () => {
    const {state} = await securedBucket()
    state.encryption = 'aws:kms'

    await verify()
  })

  const failures: [string, (state: FakeBucket) => void, string][] = [
    [
      'a public access flag that is off',
      (state) => (state.publicAccessBlock!.RestrictPublicBuckets = false),
      'Block Public Access is not fully on (an account or organisation policy may override it)',
    ],
    [
      'no public access block at all',
      (state) => (state.publicAccessBlock = undefined),
      'Block Public Access is not fully on (an account or organisation policy may override it)',
    ],
    [
      'ACLs left on',
      (state) => (state.objectOwnership = 'ObjectWriter'),
      'Object Ownership is not BucketOwnerEnforced, so ACLs are still in effect',
    ],
    [
      'no ownership controls',
      (state) => (state.objectOwnership = undefined),
      'Object Ownership is not BucketOwnerEnforced, so ACLs are still in effect',
    ],
    [
      'no default encryption',
      (state) => (state.encryption = undefined),
      'default encryption is neither SSE-S3 nor SSE-KMS',
    ],
    [
      'no bucket policy',
      (state) => (state.policy = undefined),
      'the bucket policy does not refuse requests made without TLS',
    ],
    [
      'a policy without the TLS-only statement',
      (state) =>
        (state.policy = JSON.stringify({
          Version: '2012-10-17',
          Statement: [{Sid: 'Other', Effect: 'Allow', Principal: '*', Action: 's3:GetObject'}],
        })),
      'the bucket policy does not refuse requests made without TLS',
    ],
    [
      'no tags',
      (state) => (state.tags = {}),
      'the bucket is not tagged as managed by byo-s3 for this add-on',
    ],
    [
      'another add-on’s id in the tags',
      (state) => (state.tags['byo-s3:addon-uuid'] = 'fedcba98-7654-3210-fedc-ba9876543210'),
      'the bucket is not tagged as managed by byo-s3 for this add-on',
    ],
    [
      'the managed-by tag removed',
      (state) => delete state.tags['managed-by'],
      'the bucket is not tagged as managed by byo-s3 for this add-on',
    ],
  ]
  for (const [label, change, reason] of failures) {
    it(`refuses a bucket with ${label}, naming the setting`, async () => {
      const {state} = await securedBucket()
      change(state)

      const error = await refusal()

      expect(error.message).to.equal(
        `Bucket ${BUCKET} does not keep the settings byo-s3 applied: ${reason}. Check the AWS ` +
          `account's and organisation's policies, then provision the add-on again.`,
      )
    })
  }

  it('names every setting that did not hold', async () => {
    const {state} = await securedBucket()
    state.encryption = undefined
    state.policy = undefined

    const error = await refusal()

    expect(error.message).to.include(
      'default encryption is neither SSE-S3 nor SSE-KMS; the bucket policy does not refuse',
    )
    expect(error.message).not.to.include('Block Public Access')
  })

  it('passes a refused read through rather than calling it a missing setting', async () => {
    const {state} = await securedBucket()
    state.overrides.GetBucketPolicy = {status: 403, body: s3Error('AccessDenied', 'Access Denied')}

    const error = await verify().catch((rejection: unknown) => rejection)

    expect(error).to.have.property('name', 'AccessDenied')
  })
})

describe('verifyBucketSettings with options', () => {
  const KMS_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'
  const everything: BucketSettings = {
    ...DEFAULT_BUCKET_SETTINGS,
    versioning: true,
    noncurrentExpiryDays: 30,
    abortMultipartDays: 3,
    corsOrigins: ['https://shop.example'],
    publicPrefix: 'public/',
    kmsKeyArn: KMS_KEY,
  }

  async function configured(settings: BucketSettings) {
    const state = bucketState({versioning: undefined})
    const requests = fakeBucket(BUCKET, REGION, state)
    await secureBucket(testClients(), LINKED_CREDENTIALS, {...bucket, tags: {}, settings})
    requests.length = 0
    return {state, requests}
  }

  function verifyWith(settings: BucketSettings) {
    return verifyBucketSettings(testClients(), LINKED_CREDENTIALS, {...bucket, settings})
  }

  it('passes a bucket that holds every option it was given, reading CORS back too', async () => {
    const {requests} = await configured(everything)

    await verifyWith(everything)

    expect(requests.map(s3Operation)).to.include.members(['GetBucketCors', 'GetBucketVersioning'])
  })

  const drifts: [string, Partial<BucketSettings>, string][] = [
    ['versioning off', {versioning: false}, 'versioning is enabled'],
    [
      'other abort days',
      {abortMultipartDays: 7},
      'the lifecycle rules do not abort unfinished uploads and expire noncurrent versions as set',
    ],
    [
      'other noncurrent days',
      {noncurrentExpiryDays: 60},
      'the lifecycle rules do not abort unfinished uploads and expire noncurrent versions as set',
    ],
    ['other origins', {corsOrigins: ['https://admin.shop.example']}, 'CORS does not allow'],
    [
      'another key',
      {kmsKeyArn: KMS_KEY.replace('1234abcd', 'ffffffff')},
      'default encryption is not SSE-KMS',
    ],
    [
      'another public prefix',
      {publicPrefix: 'assets/'},
      'the bucket policy does not refuse requests made without TLS and let anyone read assets/',
    ],
  ]
  for (const [label, change, failure] of drifts) {
    it(`refuses a bucket read back with ${label}, naming it`, async () => {
      await configured(everything)

      const error = await verifyWith({...everything, ...change}).catch((e: unknown) => e)

      expect(error).to.be.instanceOf(BrokerError)
      expect((error as Error).message).to.contain(failure)
    })
  }

  it('refuses a public bucket whose Block Public Access was turned back on', async () => {
    const {state} = await configured(everything)
    state.publicAccessBlock!.BlockPublicPolicy = true

    const error = await verifyWith(everything).catch((e: unknown) => e)

    expect((error as Error).message).to.contain(
      'Block Public Access does not allow the public policy while blocking ACLs',
    )
  })

  it('refuses a private bucket whose versioning was turned on', async () => {
    const {state} = await configured(DEFAULT_BUCKET_SETTINGS)
    state.versioning = 'Enabled'

    const error = await verifyWith(DEFAULT_BUCKET_SETTINGS).catch((e: unknown) => e)

    expect((error as Error).message).to.contain('versioning is enabled')
  })

  it('refuses an SSE-KMS bucket without a bucket key', async () => {
    const {state} = await configured(everything)
    state.bucketKeyEnabled = false

    const error = await verifyWith(everything).catch((e: unknown) => e)

    expect((error as Error).message).to.contain(
      `default encryption is not SSE-KMS with ${KMS_KEY} and a bucket key`,
    )
  })
})

describe('hasTlsOnlyStatement', () => {
  const statement = tlsOnlyBucketPolicy(BUCKET).Statement[0]

  it('finds the statement tlsOnlyBucketPolicy writes', () => {
    expect(hasTlsOnlyStatement(JSON.stringify(tlsOnlyBucketPolicy(BUCKET)))).to.equal(true)
  })

  it('accepts a lone statement, a list value and another case for the condition key', () => {
    const policy = {
      Statement: {...statement, Condition: {Bool: {'AWS:SecureTransport': ['false']}}},
    }
    expect(hasTlsOnlyStatement(JSON.stringify(policy))).to.equal(true)
  })

  it('refuses the statement when it allows instead of denies', () => {
    const policy = {Statement: [{...statement, Effect: 'Allow'}]}
    expect(hasTlsOnlyStatement(JSON.stringify(policy))).to.equal(false)
  })

  it('refuses the statement when it denies requests made over TLS', () => {
    const policy = {Statement: [{...statement, Condition: {Bool: {'aws:SecureTransport': 'true'}}}]}
    expect(hasTlsOnlyStatement(JSON.stringify(policy))).to.equal(false)
  })

  it('refuses text that is not JSON', () => {
    expect(hasTlsOnlyStatement('DenyNonTlsRequests')).to.equal(false)
  })
})
