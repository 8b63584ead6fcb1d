import {expect} from 'chai'

import {createBucket, secureBucket} from '../../src/aws/bucket-setup.js'
import {tlsOnlyBucketPolicy} from '../../src/aws/policy.js'
import {BrokerError} from '../../src/errors.js'
import {bucketState, fakeBucket, s3Operation} from '../helpers/aws-fake-bucket.js'
import {
  ACCOUNT_ID,
  fakeS3,
  LINKED_CREDENTIALS,
  s3BucketUrl,
  testClients,
} from '../helpers/aws-fakes.js'
import {s3Error, xmlTexts} from '../helpers/aws-xml.js'

const BUCKET = 'byo-s3-shop-abcdefghijkl'
const ADDON_ID = '01234567-89ab-cdef-0123-456789abcdef'
const OTHER_ADDON_ID = 'fedcba98-7654-3210-fedc-ba9876543210'

function bucketIn(region: string) {
  return {bucketName: BUCKET, region, accountId: ACCOUNT_ID}
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: unknown) => error,
  )
}

describe('createBucket', () => {
  const ours = {'managed-by': 'byo-s3', 'byo-s3:addon-uuid': ADDON_ID, 'byo-s3:app-name': 'shop'}

  function createIn(region: string) {
    return createBucket(testClients(), LINKED_CREDENTIALS, {...bucketIn(region), addonId: ADDON_ID})
  }

  it('creates a us-east-1 bucket without any location constraint', async () => {
    const requests = fakeBucket(BUCKET, 'us-east-1', bucketState({exists: false}))

    await createIn('us-east-1')

    const [request] = requests
    expect([request.method, request.path]).to.deep.equal(['PUT', '/'])
    expect(request.body).to.equal('')
    expect(request.headers['x-amz-object-ownership']).to.equal('BucketOwnerEnforced')
    expect(request.headers).not.to.have.property('x-amz-acl')
  })

  it('checks the tags after a 200 in us-east-1, where S3 answers a repeat with 200 too', async () => {
    const requests = fakeBucket(BUCKET, 'us-east-1', bucketState({exists: false}))

    await createIn('us-east-1')

    expect(requests.map(s3Operation)).to.deep.equal(['CreateBucket', 'GetBucketTagging'])
    expect(requests[1].headers['x-amz-expected-bucket-owner']).to.equal(ACCOUNT_ID)
  })

  it('refuses a us-east-1 bucket that answered 200 but carries another add-on’s tag', async () => {
    const tags = {...ours, 'byo-s3:addon-uuid': OTHER_ADDON_ID}
    fakeBucket(BUCKET, 'us-east-1', bucketState({tags}))

    const error = await rejectionOf(createIn('us-east-1'))

    expect(error).to.be.instanceOf(BrokerError)
    expect(error).to.include({status: 409, id: 'bucket_not_ours'})
    expect((error as Error).message).to.equal(
      `Bucket ${BUCKET} already exists in AWS account ${ACCOUNT_ID} and is tagged for another ` +
        'byo-s3 add-on, so the broker will not take it over; a new bucket name is needed.',
    )
  })

  it('creates a bucket elsewhere at that region’s endpoint, constrained to the region', async () => {
    const requests = fakeBucket(BUCKET, 'eu-west-1', bucketState({exists: false}))

    await createIn('eu-west-1')

    expect(requests).to.have.length(1)
    const [request] = requests
    expect(request.headers.host).to.equal(`${BUCKET}.s3.eu-west-1.amazonaws.com`)
    expect(request.headers.authorization).to.include('/eu-west-1/s3/aws4_request')
    expect(xmlTexts(request.body, 'LocationConstraint')).to.deep.equal(['eu-west-1'])
    expect(request.headers['x-amz-object-ownership']).to.equal('BucketOwnerEnforced')
  })

  it('counts a bucket this account already owns, tagged for this add-on, as created', async () => {
    const requests = fakeBucket(BUCKET, 'eu-west-1', bucketState({tags: ours}))

    await createIn('eu-west-1')

    expect(requests.map(s3Operation)).to.deep.equal(['CreateBucket', 'GetBucketTagging'])
    expect(requests[0].query.size).to.equal(0)
  })

  it('counts a bucket this account already owns without any tags as created', async () => {
    const requests = fakeBucket(BUCKET, 'eu-west-1', bucketState({tags: {}}))

    await createIn('eu-west-1')

    expect(requests.map(s3Operation)).to.deep.equal(['CreateBucket', 'GetBucketTagging'])
  })

  it('refuses a bucket this account owns that is tagged for another add-on', async () => {
    const tags = {...ours, 'byo-s3:addon-uuid': OTHER_ADDON_ID}
    fakeBucket(BUCKET, 'eu-west-1', bucketState({tags}))

    const error = await rejectionOf(createIn('eu-west-1'))

    expect(error).to.include({status: 409, id: 'bucket_not_ours'})
  })

  it('refuses a bucket this account owns that carries only someone else’s tags', async () => {
    fakeBucket(BUCKET, 'eu-west-1', bucketState({tags: {project: 'billing', owner: 'finance'}}))

    const error = await rejectionOf(createIn('eu-west-1'))

    expect(error).to.include({status: 409, id: 'bucket_not_ours'})
    expect((error as Error).message).to.include('is tagged for someone else')
  })

  it('passes a refused tag check through', async () => {
    const denied = {status: 403, body: s3Error('AccessDenied', 'Access Denied')}
    fakeBucket(BUCKET, 'eu-west-1', bucketState({overrides: {GetBucketTagging: denied}}))

    const error = await rejectionOf(createIn('eu-west-1'))

    expect(error).to.have.property('name', 'AccessDenied')
  })

  it('reports a name another account owns as bucket_name_taken', async () => {
    fakeS3(s3BucketUrl(BUCKET, 'eu-west-1'), () => ({
      status: 409,
      body: s3Error('BucketAlreadyExists', 'The requested bucket name is not available.'),
    }))

    const error = await rejectionOf(createIn('eu-west-1'))

    expect(error).to.be.instanceOf(BrokerError)
    expect(error).to.include({status: 409, id: 'bucket_name_taken'})
  })

  it('passes other failures through for the job to retry', async () => {
    fakeS3(s3BucketUrl(BUCKET, 'eu-west-1'), () => ({
      status: 409,
      body: s3Error('OperationAborted', 'A conflicting conditional operation is in progress.'),
    }))

    const error = await rejectionOf(createIn('eu-west-1'))

    expect(error).to.have.property('name', 'OperationAborted')
  })

  it('refuses an invalid bucket name before calling AWS', async () => {
    const error = await rejectionOf(
      createBucket(testClients(), LINKED_CREDENTIALS, {
        ...bucketIn('eu-west-1'),
        addonId: ADDON_ID,
        bucketName: 'Bad_Name',
      }),
    )

    expect(error).to.include({status: 422, id: 'invalid_bucket_name'})
  })
})

describe('secureBucket', () => {
  const request = {
    ...bucketIn('eu-west-1'),
    addonId: ADDON_ID,
    tags: {'byo-s3:team-id': 'team-uuid', 'byo-s3:app-name': 'shop', 'managed-by': 'someone-else'},
  }

  async function secured() {
    const requests = fakeS3(s3BucketUrl(BUCKET, 'eu-west-1'), () => ({}))
    await secureBucket(testClients(), LINKED_CREDENTIALS, request)
    const byQuery = (name: string) => requests.find((candidate) => candidate.query.has(name))!
    return {requests, byQuery}
  }

  it('tags first, then sets public access block, encryption, policy and lifecycle rules', async () => {
    const {requests} = await secured()

    expect(requests.map(({method, query}) => `${method} ?${[...query.keys()][0]}`)).to.deep.equal([
      'PUT ?tagging',
      'PUT ?publicAccessBlock',
      'PUT ?encryption',
      'PUT ?policy',
      'PUT ?lifecycle',
    ])
  })

  it('names the expected bucket owner on every call', async () => {
    const {requests} = await secured()

    for (const sent of requests)
      expect(sent.headers['x-amz-expected-bucket-owner']).to.equal(ACCOUNT_ID)
  })

  it('tags the bucket with our ownership tags, which win over the caller’s', async () => {
    const {byQuery} = await secured()

    const body = byQuery('tagging').body
    const tags = Object.fromEntries(
      xmlTexts(body, 'Tag').map((tag) => [xmlTexts(tag, 'Key')[0], xmlTexts(tag, 'Value')[0]]),
    )
    expect(tags).to.deep.equal({
      'managed-by': 'byo-s3',
      'byo-s3:addon-uuid': '01234567-89ab-cdef-0123-456789abcdef',
      'byo-s3:team-id': 'team-uuid',
      'byo-s3:app-name': 'shop',
    })
  })

  it('turns on all four public access block flags', async () => {
    const {byQuery} = await secured()

    const body = byQuery('publicAccessBlock').body
    for (const flag of [
      'BlockPublicAcls',
      'IgnorePublicAcls',
      'BlockPublicPolicy',
      'RestrictPublicBuckets',
    ]) {
      expect(xmlTexts(body, flag), flag).to.deep.equal(['true'])
    }
  })

  it('sets SSE-S3 default encryption', async () => {
    const {byQuery} = await secured()

    expect(xmlTexts(byQuery('encryption').body, 'SSEAlgorithm')).to.deep.equal(['AES256'])
  })

  it('puts the TLS-only bucket policy', async () => {
    const {byQuery} = await secured()

    expect(JSON.parse(byQuery('policy').body)).to.deep.equal(tlsOnlyBucketPolicy(BUCKET))
  })

  it('stops at the first refused setting', async () => {
    const requests = fakeS3(s3BucketUrl(BUCKET, 'eu-west-1'), ({query}) =>
      query.has('publicAccessBlock')
        ? {status: 403, body: s3Error('AccessDenied', 'Access Denied')}
        : {},
    )

    const error = await rejectionOf(secureBucket(testClients(), LINKED_CREDENTIALS, request))

    expect(error).to.have.property('name', 'AccessDenied')
    expect(requests).to.have.length(2)
  })
})
