import {expect} from 'chai'

import {KeyNotReadyError, waitUntilKeyWorks} from '../../src/aws/readiness.js'
import {bucketState, fakeBucket, type FakeBucket, s3Operation} from '../helpers/aws-fake-bucket.js'
import {type FakeReply, LINKED_CREDENTIALS, testClients} from '../helpers/aws-fakes.js'
import {s3Error} from '../helpers/aws-xml.js'

const BUCKET = 'byo-s3-shop-abcdefghijkl'
const REGION = 'eu-west-1'
const APP_KEY = {accessKeyId: 'AKIANEWAPPKEY0000001', secretAccessKey: 'app-secret-1'}

const unknownKey: FakeReply = {
  status: 403,
  body: s3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist.'),
}
const denied: FakeReply = {status: 403, body: s3Error('AccessDenied', 'Access Denied')}

/** A clock that only moves when the code under test sleeps, recording each delay. */
function fakeTime() {
  let clock = 0
  const delays: number[] = []
  return {
    delays,
    sleep: async (ms: number) => {
      delays.push(ms)
      clock += ms
    },
    now: () => clock,
  }
}

function bucketAnswering(probeReplies: (FakeReply | null)[]): {
  state: FakeBucket
  requests: ReturnType<typeof fakeBucket>
} {
  const state = bucketState({overrides: {ListObjectsV2: probeReplies}})
  return {state, requests: fakeBucket(BUCKET, REGION, state)}
}

function waitForKey(time: ReturnType<typeof fakeTime>, options = {}) {
  return waitUntilKeyWorks(
    testClients(),
    APP_KEY,
    {bucketName: BUCKET, region: REGION},
    {sleep: time.sleep, now: time.now, ...options},
  )
}

describe('waitUntilKeyWorks', () => {
  it('resolves after two refusals and three successes, backing off 1 s then 2 s', async () => {
    const {requests} = bucketAnswering([unknownKey, unknownKey])
    const time = fakeTime()

    const probes = await waitForKey(time)

    expect(probes).to.equal(5)
    expect(requests).to.have.length(5)
    expect(time.delays.slice(0, 2)).to.deep.equal([1000, 2000])
    // Successes are spaced by the initial delay, so they can reach different front ends.
    expect(time.delays).to.deep.equal([1000, 2000, 1000, 1000])
  })

  it('lists the bucket one key at a time, signed with the new key', async () => {
    const {requests} = bucketAnswering([])

    await waitForKey(fakeTime())

    expect(requests.map(s3Operation)).to.deep.equal([
      'ListObjectsV2',
      'ListObjectsV2',
      'ListObjectsV2',
    ])
    for (const request of requests) {
      expect(request.query.get('max-keys')).to.equal('1')
      expect(request.headers.authorization).to.include(`Credential=${APP_KEY.accessKeyId}/`)
      expect(request.headers.authorization).not.to.include(LINKED_CREDENTIALS.accessKeyId)
    }
  })

  it('takes the S3 client from a factory function as well', async () => {
    bucketAnswering([])
    const clients = testClients()
    const built: string[] = []

    const probes = await waitUntilKeyWorks(
      (credentials, region) => {
        built.push(`${credentials.accessKeyId}@${region}`)
        return clients.s3(credentials, region)
      },
      APP_KEY,
      {bucketName: BUCKET, region: REGION},
      {sleep: fakeTime().sleep},
    )

    expect(probes).to.equal(3)
    expect(built).to.deep.equal([`${APP_KEY.accessKeyId}@${REGION}`])
  })

  it('starts the streak again after a refusal between successes', async () => {
    const {requests} = bucketAnswering([null, denied, null, null])
    const time = fakeTime()

    const probes = await waitForKey(time)

    expect(probes).to.equal(5)
    expect(requests).to.have.length(5)
    expect(time.delays).to.deep.equal([1000, 1000, 1000, 1000])
  })

  it('needs only as many successes in a row as asked for', async () => {
    bucketAnswering([unknownKey])

    expect(await waitForKey(fakeTime(), {consecutive: 1})).to.equal(2)
  })

  it('counts SignatureDoesNotMatch and a bare 403 as not yet, and caps the delay at 5 s', async () => {
    const signature = {status: 403, body: s3Error('SignatureDoesNotMatch')}
    const bare = {status: 403, body: ''}
    bucketAnswering([signature, bare, unknownKey, denied, unknownKey])
    const time = fakeTime()

    const probes = await waitForKey(time)

    expect(probes).to.equal(8)
    expect(time.delays.slice(0, 5)).to.deep.equal([1000, 2000, 4000, 5000, 5000])
  })

  it('counts a transient failure as not yet', async () => {
    bucketAnswering([{status: 503, body: s3Error('SlowDown', 'Please reduce your request rate.')}])

    expect(await waitForKey(fakeTime())).to.equal(4)
  })

  it('gives up with KeyNotReadyError once the wait runs out', async () => {
    const {requests} = bucketAnswering(Array(100).fill(unknownKey))
    const time = fakeTime()

    const error = await waitForKey(time, {maxWaitMs: 20_000}).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(KeyNotReadyError)
    expect(error).to.have.property('name', 'KeyNotReadyError')
    // 1 + 2 + 4 + 5 + 5 s, then the 3 s left, then one last probe at the deadline.
    expect(time.delays).to.deep.equal([1000, 2000, 4000, 5000, 5000, 3000])
    expect(requests).to.have.length(7)
    expect(error).to.have.property('probes', 7)
    const {message} = error as Error
    expect(message).to.equal(
      `S3 did not yet accept the new access key for bucket ${BUCKET} after 20 s and 7 attempts ` +
        '(last answer: InvalidAccessKeyId: The AWS Access Key Id you provided does not exist.). ' +
        'IAM can take a while to propagate a new key; try again later.',
    )
    expect(message).not.to.include(APP_KEY.secretAccessKey)
  })

  it('waits two minutes by default', async () => {
    bucketAnswering(Array(100).fill(unknownKey))
    const time = fakeTime()

    await waitForKey(time).catch((e: unknown) => e)

    expect(time.delays.reduce((sum, ms) => sum + ms, 0)).to.equal(120_000)
  })

  it('rethrows a permanent failure at once', async () => {
    const {requests} = bucketAnswering([{status: 404, body: s3Error('NoSuchBucket')}])
    const time = fakeTime()

    const error = await waitForKey(time).catch((e: unknown) => e)

    expect(error).to.have.property('name', 'NoSuchBucket')
    expect(requests).to.have.length(1)
    expect(time.delays).to.deep.equal([])
  })
})
