import {expect} from 'chai'
import {bucketUsage} from '../../src/aws/bucket-usage.js'
import {fakeS3, type FakeReply, s3BucketUrl, testClients} from '../helpers/aws-fakes.js'
import {listObjectsV2PageXml, s3Error} from '../helpers/aws-xml.js'

const BUCKET = 'byo-s3-shop-abcdefghijkl'
const REGION = 'eu-west-1'
const APP_KEY = {accessKeyId: 'AKIANEWAPPKEY0000001', secretAccessKey: 'app-secret-1'}

const sized = (count: number, size: number) =>
  Array.from({length: count}, (_, n) => ({key: `k/${n}`, size}))

describe('bucketUsage', () => {
  const clients = testClients()
  after(() => clients.destroy())

  /** S3 answering the listings with these replies in turn, the last one from then on. */
  function listings(...replies: FakeReply[]) {
    let next = 0
    return fakeS3(s3BucketUrl(BUCKET, REGION), () => replies[Math.min(next++, replies.length - 1)])
  }

  const count = (maxPages?: number) =>
    bucketUsage(clients.s3(APP_KEY, REGION), BUCKET, maxPages ? {maxPages} : {})

  it('counts an empty bucket as no objects and no bytes', async () => {
    listings({body: listObjectsV2PageXml(BUCKET, [])})

    expect(await count()).to.deep.equal({objects: 0, bytes: 0, complete: true})
  })

  it('adds up objects and sizes across pages, following the continuation token', async () => {
    const requests = listings(
      {body: listObjectsV2PageXml(BUCKET, sized(1000, 5), 'next/1')},
      {body: listObjectsV2PageXml(BUCKET, sized(2, 7))},
    )

    expect(await count()).to.deep.equal({objects: 1002, bytes: 5014, complete: true})
    expect(requests.map((request) => request.query.get('continuation-token'))).to.deep.equal([
      null,
      'next/1',
    ])
  })

  it('stops after the page limit and says the count is incomplete', async () => {
    const requests = listings({body: listObjectsV2PageXml(BUCKET, sized(1000, 1), 'more')})

    expect(await count(3)).to.deep.equal({objects: 3000, bytes: 3000, complete: false})
    expect(requests).to.have.length(3)
  })

  it('lets S3’s refusal through to the caller', async () => {
    listings({status: 403, body: s3Error('AccessDenied')})

    const failure = await count().catch((error: unknown) => error)

    expect((failure as Error).name).to.equal('AccessDenied')
  })
})
