import {expect} from 'chai'

import {applyBucketSettings, partsToApply} from '../../src/aws/bucket-configure.js'
import {type BucketSettings, DEFAULT_BUCKET_SETTINGS} from '../../src/aws/bucket-settings.js'
import {BrokerError} from '../../src/errors.js'
import {isTransient} from '../../src/provisioning/failures.js'
import {bucketState, type FakeBucket, fakeBucket, s3Operation} from '../helpers/aws-fake-bucket.js'
import {ACCOUNT_ID, LINKED_CREDENTIALS, testClients} from '../helpers/aws-fakes.js'

const BUCKET = 'byo-s3-shop-abcdefghijkl'
const REGION = 'eu-west-1'
const bucket = {bucketName: BUCKET, region: REGION, accountId: ACCOUNT_ID}

const settings = (changes: Partial<BucketSettings> = {}): BucketSettings => ({
  ...DEFAULT_BUCKET_SETTINGS,
  ...changes,
})

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: unknown) => error,
  )
}

describe('partsToApply', () => {
  it('writes the baseline and lifecycle rules to a new bucket, and nothing it already has', () => {
    expect(partsToApply(null, settings())).to.deep.equal([
      'publicAccessBlock',
      'encryption',
      'policy',
      'lifecycle',
    ])
  })

  it('adds versioning and CORS for a new bucket that wants them', () => {
    const wanted = settings({versioning: true, corsOrigins: ['https://shop.example']})

    expect(partsToApply(null, wanted)).to.include.members(['versioning', 'cors'])
  })

  it('writes only what differs between two configurations', () => {
    const standard = settings()
    const versioned = settings({versioning: true, noncurrentExpiryDays: 30})

    expect(partsToApply(standard, versioned)).to.deep.equal(['versioning', 'lifecycle'])
    expect(partsToApply(versioned, versioned)).to.deep.equal([])
  })

  it('rewrites public access and the policy when a prefix becomes public, encryption for a key', () => {
    expect(partsToApply(settings(), settings({publicPrefix: 'public/'}))).to.deep.equal([
      'publicAccessBlock',
      'policy',
    ])
    expect(partsToApply(settings(), settings({kmsKeyArn: 'arn:aws:kms:x'}))).to.deep.equal([
      'encryption',
    ])
  })
})

describe('applyBucketSettings', () => {
  function configure(state: FakeBucket, desired: BucketSettings, previous: BucketSettings | null) {
    const requests = fakeBucket(BUCKET, REGION, state)
    const applied = applyBucketSettings(
      testClients(),
      LINKED_CREDENTIALS,
      bucket,
      desired,
      previous,
    )
    return {requests, applied}
  }

  it('names the expected owner on every call', async () => {
    const {requests, applied} = configure(
      bucketState({versioning: undefined}),
      settings({versioning: true, corsOrigins: ['https://shop.example'], publicPrefix: 'public/'}),
      null,
    )
    await applied

    expect(requests).to.have.length(7)
    for (const request of requests) {
      expect(request.headers['x-amz-expected-bucket-owner']).to.equal(ACCOUNT_ID)
    }
  })

  it('relaxes public access and sees it relaxed before it puts a public policy', async () => {
    const state = bucketState()
    const {requests, applied} = configure(state, settings({publicPrefix: 'public/'}), settings())
    await applied

    expect(requests.map(s3Operation)).to.deep.equal([
      'PutPublicAccessBlock',
      'GetPublicAccessBlock',
      'PutBucketPolicy',
    ])
    expect(JSON.parse(state.policy!).Statement[1].Resource).to.equal(
      `arn:aws:s3:::${BUCKET}/public/*`,
    )
  })

  it('waits for another attempt while S3 still shows public access blocked', async () => {
    const state = bucketState()
    state.overrides.GetPublicAccessBlock = {
      body:
        '<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls>' +
        '<IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy>' +
        '<RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>',
    }
    const {requests, applied} = configure(state, settings({publicPrefix: 'public/'}), settings())

    const error = await rejectionOf(applied)

    expect(error).to.be.instanceOf(BrokerError)
    expect(isTransient(error)).to.equal(true)
    expect(requests.map(s3Operation)).not.to.include('PutBucketPolicy')
  })

  it('names the account’s Block Public Access setting when S3 refuses the public policy', async () => {
    const state = bucketState({accountBlocksPublicPolicy: true})
    const {applied} = configure(state, settings({publicPrefix: 'public/'}), settings())

    const error = await rejectionOf(applied)

    expect(error).to.include({status: 422, id: 'public_policy_refused'})
    expect((error as Error).message).to.contain('(BlockPublicPolicy)')
    expect((error as Error).message).to.contain('create the add-on without --public-prefix')
    expect(isTransient(error)).to.equal(false)
  })

  it('passes a refused private policy through unchanged', async () => {
    const state = bucketState()
    state.overrides.PutBucketPolicy = {
      status: 403,
      body: '<Error><Code>AccessDenied</Code></Error>',
    }
    const {applied} = configure(state, settings(), null)

    const error = await rejectionOf(applied)

    expect(error).to.have.property('name', 'AccessDenied')
  })

  it('deletes the CORS configuration when no origin is left', async () => {
    const state = bucketState({cors: '<CORSConfiguration/>'})
    const {requests, applied} = configure(
      state,
      settings(),
      settings({corsOrigins: ['https://shop.example']}),
    )
    await applied

    expect(requests.map(s3Operation)).to.deep.equal(['DeleteBucketCors'])
    expect(state.cors).to.equal(undefined)
  })
})
