import {expect} from 'chai'

import {checkAdoptableBucket} from '../../src/aws/bucket-adopt.js'
import {BrokerError} from '../../src/errors.js'
import {bucketState, type FakeBucket, fakeBucket, s3Operation} from '../helpers/aws-fake-bucket.js'
import {ACCOUNT_ID, LINKED_CREDENTIALS, testClients} from '../helpers/aws-fakes.js'

const BUCKET = 'acme-existing-assets'

/** The same bucket answering on two regional hosts: its own, and the one first asked. */
function existingIn(location: string, overrides: Partial<FakeBucket> = {}) {
  const state = bucketState({location, ...overrides})
  const regions = [...new Set(['us-east-1', location])]
  const logs = regions.map((region) => fakeBucket(BUCKET, region, state))
  return {state, requests: () => logs.flat()}
}

function check(region: string, regionChosen = false) {
  return checkAdoptableBucket(testClients(), LINKED_CREDENTIALS, {
    bucketName: BUCKET,
    accountId: ACCOUNT_ID,
    region,
    regionChosen,
  })
}

async function refusal(promise: Promise<unknown>): Promise<BrokerError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (rejection: unknown) => rejection,
  )
  expect(error).to.be.instanceOf(BrokerError)
  return error as BrokerError
}

describe('checkAdoptableBucket', () => {
  it('finds a bucket of the linked account where it was expected, with one HeadBucket', async () => {
    const {requests} = existingIn('us-east-1')

    expect(await check('us-east-1')).to.equal('us-east-1')
    expect(requests().map(s3Operation)).to.deep.equal(['HeadBucket'])
    expect(requests()[0].headers['x-amz-expected-bucket-owner']).to.equal(ACCOUNT_ID)
  })

  it('follows S3’s redirect to the bucket’s own region', async () => {
    existingIn('eu-central-1')

    expect(await check('us-east-1')).to.equal('eu-central-1')
  })

  it('refuses a bucket outside the region that was chosen', async () => {
    existingIn('eu-central-1')

    const error = await refusal(check('us-east-1', true))

    expect(error.id).to.equal('bucket_region_mismatch')
    expect(error.message).to.contain('pass --region eu-central-1')
  })

  it('refuses a bucket another account owns, which S3 answers with 403', async () => {
    const {state} = existingIn('us-east-1', {owner: '999988887777'})

    const error = await refusal(check('us-east-1'))

    expect(error).to.include({status: 422, id: 'bucket_not_in_account'})
    expect(state.exists).to.equal(true)
  })

  it('refuses a bucket that does not exist', async () => {
    existingIn('us-east-1', {exists: false})

    const error = await refusal(check('us-east-1'))

    expect(error.id).to.equal('bucket_not_found')
  })
})
