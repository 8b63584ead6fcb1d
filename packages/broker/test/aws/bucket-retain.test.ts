import {expect} from 'chai'

import {retainBucket} from '../../src/aws/deprovision.js'
import {bucketState, fakeBucket, s3Operation} from '../helpers/aws-fake-bucket.js'
import {ACCOUNT_ID, LINKED_CREDENTIALS, testClients} from '../helpers/aws-fakes.js'
import {s3Error} from '../helpers/aws-xml.js'

const BUCKET = 'byo-s3-shop-abcdefghijkl'
const REGION = 'eu-west-1'
const ADDON_ID = '01234567-89ab-cdef-0123-456789abcdef'
const target = {bucketName: BUCKET, region: REGION, accountId: ACCOUNT_ID}
const ourTags = {
  'managed-by': 'byo-s3',
  'byo-s3:addon-uuid': ADDON_ID,
  'byo-s3:app-name': 'shop',
  'cost-centre': 'team-a',
}

function retainAt(isoTime: string) {
  return retainBucket(testClients(), LINKED_CREDENTIALS, target, {now: () => new Date(isoTime)})
}

describe('retainBucket', () => {
  it('adds the retained date and state, keeping every tag already there', async () => {
    const state = bucketState({tags: {...ourTags}, versions: [{key: 'a', versionId: 'v1'}]})
    const requests = fakeBucket(BUCKET, REGION, state)

    await retainAt('2026-03-04T05:06:07.000Z')

    expect(state.tags).to.deep.equal({
      ...ourTags,
      'byo-s3:retained': '2026-03-04T05:06:07.000Z',
      'byo-s3:addon-state': 'deprovisioned',
    })
    expect(requests.map(s3Operation)).to.deep.equal(['GetBucketTagging', 'PutBucketTagging'])
    for (const request of requests) {
      expect(request.headers['x-amz-expected-bucket-owner']).to.equal(ACCOUNT_ID)
    }
    expect(state.versions).to.have.length(1)
    expect(state.exists).to.equal(true)
  })

  it('tags a bucket that had no tags at all', async () => {
    const state = bucketState({tags: {}})
    fakeBucket(BUCKET, REGION, state)

    await retainAt('2026-03-04T05:06:07.000Z')

    expect(state.tags).to.deep.equal({
      'byo-s3:retained': '2026-03-04T05:06:07.000Z',
      'byo-s3:addon-state': 'deprovisioned',
    })
  })

  it('changes nothing when run again, keeping the first date', async () => {
    const state = bucketState({tags: {...ourTags}})
    const requests = fakeBucket(BUCKET, REGION, state)

    await retainAt('2026-03-04T05:06:07.000Z')
    await retainAt('2026-03-05T00:00:00.000Z')

    expect(state.tags['byo-s3:retained']).to.equal('2026-03-04T05:06:07.000Z')
    expect(requests.map(s3Operation)).to.deep.equal([
      'GetBucketTagging',
      'PutBucketTagging',
      'GetBucketTagging',
    ])
  })

  it('counts a bucket that no longer exists as done', async () => {
    const requests = fakeBucket(BUCKET, REGION, bucketState({exists: false}))

    await retainAt('2026-03-04T05:06:07.000Z')

    expect(requests).to.have.length(1)
  })

  it('passes a refused write through', async () => {
    const denied = {status: 403, body: s3Error('AccessDenied', 'Access Denied')}
    fakeBucket(BUCKET, REGION, bucketState({overrides: {PutBucketTagging: denied}}))

    const error = await retainAt('2026-03-04T05:06:07.000Z').catch((e: unknown) => e)

    expect(error).to.have.property('name', 'AccessDenied')
  })
})
