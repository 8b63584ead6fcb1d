import {expect} from 'chai'
import nock from 'nock'

import {checkBucketDeletable, emptyAndDeleteBucket} from '../../src/aws/deprovision.js'
import {BrokerError} from '../../src/errors.js'
import {bucketState, fakeBucket, manyVersions, s3Operation} from '../helpers/aws-fake-bucket.js'
import {ACCOUNT_ID, LINKED_CREDENTIALS, s3BucketUrl, testClients} from '../helpers/aws-fakes.js'
import type {S3Request} from '../helpers/aws-fakes.js'
import {deletedObjects, deleteObjectsResultXml, s3Error, xmlTexts} from '../helpers/aws-xml.js'

const BUCKET = 'byo-s3-shop-abcdefghijkl'
const REGION = 'eu-west-1'
const target = {bucketName: BUCKET, region: REGION, accountId: ACCOUNT_ID}

function deleteBatches(requests: S3Request[]) {
  return requests.filter((request) => request.method === 'POST' && request.query.has('delete'))
}

function emptyAndDelete() {
  return emptyAndDeleteBucket(testClients(), LINKED_CREDENTIALS, target)
}

describe('emptyAndDeleteBucket', () => {
  it('deletes 2,500 versions and delete markers in batches of at most 1,000, then the bucket', async () => {
    const versions = manyVersions('photos/img', 1800)
    const deleteMarkers = manyVersions('tmp/file', 700)
    const state = bucketState({versions, deleteMarkers, pageSize: 700})
    const requests = fakeBucket(BUCKET, REGION, state)

    await emptyAndDelete()

    const batches = deleteBatches(requests).map((request) => deletedObjects(request.body))
    expect(batches.map((batch) => batch.length)).to.deep.equal([1000, 1000, 500])
    const sent = batches.flat().map(({key, versionId}) => `${key}@${versionId}`)
    const expected = [...versions, ...deleteMarkers].map(
      ({key, versionId}) => `${key}@${versionId}`,
    )
    expect(sent).to.have.members(expected)
    expect(new Set(sent).size).to.equal(2500)
    expect(state.exists).to.equal(false)
  })

  it('pages through the listing with key and version markers, then lists again from the start', async () => {
    const state = bucketState({versions: manyVersions('a', 1500), pageSize: 1000})
    const requests = fakeBucket(BUCKET, REGION, state)

    await emptyAndDelete()

    const listings = requests.filter((request) => request.query.has('versions'))
    expect(listings.map((request) => request.query.get('key-marker'))).to.deep.equal([
      null,
      'a-00499',
      null,
    ])
    expect(listings[1].query.get('version-id-marker')).to.equal('v1-999')
  })

  it('lists the next page while a batch is being deleted, then waits for every batch before listing again', async () => {
    const state = bucketState({versions: manyVersions('a', 3000), pageSize: 1000})
    // The first batch is answered only once the next page has been asked for, as S3 would answer
    // a slow DeleteObjects; teardown that waited for it before listing on would never finish.
    let requests: S3Request[] = []
    const listings = () => requests.filter((request) => request.query.has('versions')).length
    let firstBatchAnsweredAfter = 0
    nock(s3BucketUrl(BUCKET, REGION))
      .post('/')
      .query((query) => 'delete' in query)
      .reply(async () => {
        for (let turn = 0; listings() < 2 && turn < 10_000; turn++) {
          await new Promise((resolve) => setImmediate(resolve))
        }
        firstBatchAnsweredAfter = listings()
        return [200, deleteObjectsResultXml(), {'content-type': 'application/xml'}]
      })
    requests = fakeBucket(BUCKET, REGION, state)

    await emptyAndDelete()

    expect(firstBatchAnsweredAfter).to.equal(2)
    // The first batch was answered without deleting anything, so a second pass finds its 1,000
    // versions; it starts only after both other batches of the first pass were answered.
    const passStarts = requests.flatMap((request, n) =>
      request.query.has('versions') && !request.query.has('key-marker') ? [n] : [],
    )
    expect(passStarts).to.have.length(3)
    const batchesBefore = (end: number) => deleteBatches(requests.slice(0, end)).length
    expect(batchesBefore(passStarts[1])).to.equal(2)
    expect(batchesBefore(requests.length)).to.equal(3)
    expect(state.exists).to.equal(false)
  })

  it('asks for quiet deletes and names the expected owner on every call', async () => {
    const state = bucketState({
      versions: manyVersions('a', 3),
      uploads: [{key: 'big.bin', uploadId: 'upload-1'}],
    })
    const requests = fakeBucket(BUCKET, REGION, state)

    await emptyAndDelete()

    for (const request of requests)
      expect(request.headers['x-amz-expected-bucket-owner']).to.equal(ACCOUNT_ID)
    for (const batch of deleteBatches(requests))
      expect(xmlTexts(batch.body, 'Quiet')).to.deep.equal(['true'])
  })

  it('aborts unfinished multipart uploads before deleting the bucket', async () => {
    const uploads = [
      {key: 'big.bin', uploadId: 'upload-1'},
      {key: 'huge.bin', uploadId: 'upload-2'},
    ]
    const state = bucketState({uploads})
    const requests = fakeBucket(BUCKET, REGION, state)

    await emptyAndDelete()

    const aborts = requests.filter((request) => request.query.has('uploadId'))
    expect(
      aborts.map(({method, path, query}) => [method, path, query.get('uploadId')]),
    ).to.deep.equal([
      ['DELETE', '/big.bin', 'upload-1'],
      ['DELETE', '/huge.bin', 'upload-2'],
    ])
    expect(requests.at(-1)).to.include({method: 'DELETE', path: '/'})
    expect(state.uploads).to.deep.equal([])
    expect(state.exists).to.equal(false)
  })

  it('sends keys S3 failed to delete again, and only those', async () => {
    const state = bucketState({
      versions: manyVersions('a', 10),
      failingDeletes: new Map([
        ['a-00001', 1],
        ['a-00003', 2],
      ]),
    })
    const requests = fakeBucket(BUCKET, REGION, state)

    await emptyAndDelete()

    const batches = deleteBatches(requests).map((request) =>
      deletedObjects(request.body).map(({key}) => key),
    )
    expect(batches[0]).to.have.length(10)
    expect(batches.slice(1)).to.deep.equal([
      ['a-00001', 'a-00001', 'a-00003', 'a-00003'],
      ['a-00003', 'a-00003'],
    ])
    expect(state.versions).to.deep.equal([])
    expect(state.exists).to.equal(false)
  })

  it('fails with the S3 error code when a key keeps failing, and leaves the bucket', async () => {
    const state = bucketState({
      versions: manyVersions('a', 4),
      failingDeletes: new Map([['a-00001', 99]]),
    })
    const requests = fakeBucket(BUCKET, REGION, state)

    const error = await emptyAndDelete().catch((e: unknown) => e)

    expect(error).to.be.instanceOf(Error)
    expect((error as Error).message).to.equal(
      `S3 refused to delete 2 objects from bucket ${BUCKET} (first: InternalError on a-00001)`,
    )
    expect(deleteBatches(requests)).to.have.length(3)
    expect(state.exists).to.equal(true)
  })

  it('empties the bucket again when S3 still finds it not empty', async () => {
    const state = bucketState({versions: manyVersions('a', 2), lateWrites: manyVersions('late', 1)})
    const requests = fakeBucket(BUCKET, REGION, state)

    await emptyAndDelete()

    const batches = deleteBatches(requests).map((request) => deletedObjects(request.body))
    expect(batches.map((batch) => batch.map(({key}) => key))).to.deep.equal([
      ['a-00000', 'a-00000'],
      ['late-00000'],
    ])
    expect(requests.filter(({method, path}) => method === 'DELETE' && path === '/')).to.have.length(
      2,
    )
    expect(state.exists).to.equal(false)
  })

  it('counts a bucket that no longer exists as deleted', async () => {
    const requests = fakeBucket(BUCKET, REGION, bucketState({exists: false}))

    await emptyAndDelete()

    expect(requests).to.have.length(1)
  })

  it('checks for Object Lock and MFA delete before it lists anything', async () => {
    const requests = fakeBucket(BUCKET, REGION, bucketState({versions: manyVersions('a', 2)}))

    await emptyAndDelete()

    expect(requests.map(s3Operation).slice(0, 3)).to.deep.equal([
      'GetObjectLockConfiguration',
      'GetBucketVersioning',
      'ListObjectVersions',
    ])
  })

  it('refuses a bucket with Object Lock with 409 bucket_locked, and deletes nothing', async () => {
    const state = bucketState({versions: manyVersions('a', 4), objectLock: true})
    const requests = fakeBucket(BUCKET, REGION, state)

    const error = await emptyAndDelete().catch((e: unknown) => e)

    expect(error).to.be.instanceOf(BrokerError)
    expect(error).to.include({status: 409, id: 'bucket_locked'})
    expect((error as Error).message).to.equal(
      `Bucket ${BUCKET} has Object Lock enabled, so its objects cannot be deleted before their ` +
        'retention ends. byo-s3 has left the bucket and its data in place; the team must delete ' +
        'it in their AWS account after retention ends.',
    )
    expect(requests.map(s3Operation)).to.deep.equal(['GetObjectLockConfiguration'])
    expect(deleteBatches(requests)).to.deep.equal([])
    expect(state.versions).to.have.length(4)
    expect(state.exists).to.equal(true)
  })

  it('refuses a bucket with MFA delete with 409 bucket_locked, and deletes nothing', async () => {
    const state = bucketState({versions: manyVersions('a', 4), mfaDelete: true})
    const requests = fakeBucket(BUCKET, REGION, state)

    const error = await emptyAndDelete().catch((e: unknown) => e)

    expect(error).to.include({status: 409, id: 'bucket_locked'})
    expect((error as Error).message).to.include('has MFA delete enabled')
    expect(deleteBatches(requests)).to.deep.equal([])
    expect(requests.filter(({method}) => method === 'DELETE')).to.deep.equal([])
    expect(state.exists).to.equal(true)
  })
})

describe('checkBucketDeletable', () => {
  function check() {
    return checkBucketDeletable(testClients(), LINKED_CREDENTIALS, target)
  }

  it('passes a versioned bucket without Object Lock or MFA delete', async () => {
    const requests = fakeBucket(BUCKET, REGION, bucketState({versioning: 'Enabled'}))

    await check()

    expect(requests.map(s3Operation)).to.deep.equal([
      'GetObjectLockConfiguration',
      'GetBucketVersioning',
    ])
    for (const request of requests) {
      expect(request.headers['x-amz-expected-bucket-owner']).to.equal(ACCOUNT_ID)
    }
  })

  it('refuses a bucket with Object Lock', async () => {
    fakeBucket(BUCKET, REGION, bucketState({objectLock: true}))

    const error = await check().catch((e: unknown) => e)

    expect(error).to.include({status: 409, id: 'bucket_locked'})
  })

  it('passes a bucket that no longer exists', async () => {
    const requests = fakeBucket(BUCKET, REGION, bucketState({exists: false}))

    await check()

    expect(requests).to.have.length(1)
  })

  it('passes an S3-compatible service that does not implement Object Lock', async () => {
    const notImplemented = {status: 501, body: s3Error('NotImplemented')}
    fakeBucket(
      BUCKET,
      REGION,
      bucketState({overrides: {GetObjectLockConfiguration: notImplemented}}),
    )

    await check()
  })

  it('passes a refused check through', async () => {
    const denied = {status: 403, body: s3Error('AccessDenied', 'Access Denied')}
    fakeBucket(BUCKET, REGION, bucketState({overrides: {GetBucketVersioning: denied}}))

    const error = await check().catch((e: unknown) => e)

    expect(error).to.have.property('name', 'AccessDenied')
  })
})
