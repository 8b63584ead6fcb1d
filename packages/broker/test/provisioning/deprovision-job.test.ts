import {expect} from 'chai'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {manyVersions} from '../helpers/aws-fake-bucket.js'
import {deletedObjects, s3Error} from '../helpers/aws-xml.js'
import {
  deprovision,
  herokuAcceptsConfig,
  linkAcme,
  provisionForAcme,
  runDeprovision,
  runProvision,
  stateOf,
} from '../helpers/slice.js'

describe('the deprovisioning job', () => {
  let broker: TestBroker

  beforeEach(async () => {
    broker = await startTestBroker()
  })

  afterEach(() => broker.app.close())

  async function provisioned() {
    const provision = await provisionForAcme(broker, {region: 'eu-west-1'})
    herokuAcceptsConfig(provision.uuid)
    await runProvision(broker, provision.uuid)
    const [bucketName, bucket] = [...provision.s3.buckets.entries()][0]
    return {...provision, bucketName, bucket}
  }

  it('empties a versioned bucket in batches of at most 1,000 keys, then deletes it', async () => {
    expect((await linkAcme(broker)).statusCode).to.equal(200)
    const {uuid, s3, bucket, users} = await provisioned()
    bucket.versions = manyVersions('photos/cat', 2300)
    bucket.deleteMarkers = manyVersions('photos/old', 150)
    bucket.uploads = [{key: 'videos/big.mp4', uploadId: 'upload-1'}]
    const before = s3.requests.length

    expect((await deprovision(broker, uuid)).statusCode).to.equal(204)
    await runDeprovision(broker, uuid)

    const calls = s3.requests.slice(before)
    const batches = calls.filter((call) => call.operation === 'DeleteObjects')
    const sizes = batches.map((call) => deletedObjects(call.body).length)
    expect(sizes.every((size) => size <= 1000)).to.equal(true)
    expect(sizes.reduce((a, b) => a + b, 0)).to.equal(2450)
    expect(sizes.length).to.be.at.least(3)
    expect(calls.filter((call) => call.operation === 'AbortMultipartUpload')).to.have.length(1)
    expect(calls.at(-1)!.operation).to.equal('DeleteBucket')
    expect(bucket.exists).to.equal(false)
    expect(users.size).to.equal(0)
    expect((await stateOf(broker, uuid)).state).to.equal('deprovisioned')
  })

  it('keeps the bucket, tagged as retained, when the team chose retain, and still removes the user', async () => {
    expect((await linkAcme(broker, {onDeprovision: 'retain'})).json().onDeprovision).to.equal(
      'retain',
    )
    const {uuid, bucket, users} = await provisioned()

    await deprovision(broker, uuid)
    await runDeprovision(broker, uuid)

    expect(bucket.exists).to.equal(true)
    expect(bucket.tags['byo-s3:retained']).to.match(/^\d{4}-\d{2}-\d{2}T/)
    expect(bucket.tags['byo-s3:addon-uuid']).to.equal(uuid)
    expect(users.size).to.equal(0)
    const {state, steps} = await stateOf(broker, uuid)
    expect(state).to.equal('deprovisioned')
    expect(steps).to.include('bucket_retained')
  })

  it('reports a bucket under Object Lock instead of spinning on it', async () => {
    expect((await linkAcme(broker)).statusCode).to.equal(200)
    const {uuid, bucket, s3} = await provisioned()
    bucket.objectLock = true
    bucket.versions = manyVersions('ledger', 4)

    await deprovision(broker, uuid)
    await runDeprovision(broker, uuid, {retryCount: 0, retryLimit: 20})

    const {state, failureReason} = await stateOf(broker, uuid)
    expect(state).to.equal('blocked')
    expect(failureReason).to.contain('Object Lock')
    expect(s3.requests.filter((call) => call.operation === 'DeleteObjects')).to.deep.equal([])
    expect(bucket.exists).to.equal(true)
  })

  it('resumes after a transient failure without deleting the user twice', async () => {
    expect((await linkAcme(broker)).statusCode).to.equal(200)
    const {uuid, bucket, iam} = await provisioned()
    bucket.versions = manyVersions('a', 10)
    // S3 keeps answering SlowDown through every retry of this attempt, then recovers.
    bucket.overrides.ListObjectVersions = {status: 503, body: s3Error('SlowDown')}
    await deprovision(broker, uuid)

    const first = await runDeprovision(broker, uuid, {retryCount: 0, retryLimit: 20}).catch(
      (error) => error,
    )
    delete bucket.overrides.ListObjectVersions
    await runDeprovision(broker, uuid, {retryCount: 1, retryLimit: 20})

    expect(first).to.be.an('error')
    expect(iam.filter((call) => call.Action === 'DeleteUser')).to.have.length(1)
    expect((await stateOf(broker, uuid)).state).to.equal('deprovisioned')
  })
})
