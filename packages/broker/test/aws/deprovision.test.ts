import {expect} from 'chai'

import {deprovisionBucketAndUser} from '../../src/aws/deprovision.js'
import {bucketState, fakeBucket, manyVersions} from '../helpers/aws-fake-bucket.js'
import {ACCOUNT_ID, LINKED_CREDENTIALS, testClients} from '../helpers/aws-fakes.js'
import {fakeIam, type FakeIamUsers, iamUser} from '../helpers/aws-fake-iam.js'
import {queryError} from '../helpers/aws-xml.js'

const BUCKET = 'byo-s3-shop-abcdefghijkl'
const USER_NAME = 'byo-s3-01234567-89ab-cdef-0123-456789abcdef'
const request = {
  bucketName: BUCKET,
  region: 'eu-west-1',
  accountId: ACCOUNT_ID,
  iamUserName: USER_NAME,
}

function appUser(): FakeIamUsers {
  return new Map([
    [
      USER_NAME,
      iamUser({
        accessKeys: ['AKIAAPPKEY0000000001'],
        inlinePolicies: {'byo-s3-bucket-access': '{}'},
      }),
    ],
  ])
}

describe('deprovisionBucketAndUser', () => {
  it('deletes the user and the emptied bucket', async () => {
    const users = appUser()
    const bucket = bucketState({
      versions: manyVersions('a', 5),
      uploads: [{key: 'a', uploadId: 'u-1'}],
    })
    fakeIam(users)
    fakeBucket(BUCKET, 'eu-west-1', bucket)

    await deprovisionBucketAndUser(testClients(), LINKED_CREDENTIALS, request)

    expect(users.size).to.equal(0)
    expect(bucket.exists).to.equal(false)
  })

  it('leaves the bucket alone while the user cannot be deleted, so the app cannot keep writing', async () => {
    const bucket = bucketState({versions: manyVersions('a', 5)})
    fakeIam(appUser(), {
      DeleteAccessKey: () => ({
        status: 403,
        body: queryError('AccessDenied', 'Not authorized to perform iam:DeleteAccessKey'),
      }),
    })
    const s3Requests = fakeBucket(BUCKET, 'eu-west-1', bucket)

    const error = await deprovisionBucketAndUser(testClients(), LINKED_CREDENTIALS, request).catch(
      (e: unknown) => e,
    )

    expect(error).to.have.property('Code', 'AccessDenied')
    expect(s3Requests).to.deep.equal([])
    expect(bucket.versions).to.have.length(5)
  })

  it('finishes quietly when both were already deleted', async () => {
    const iamCalls = fakeIam(new Map())
    const s3Requests = fakeBucket(BUCKET, 'eu-west-1', bucketState({exists: false}))

    await deprovisionBucketAndUser(testClients(), LINKED_CREDENTIALS, request)

    expect(iamCalls.map((call) => call.Action)).to.deep.equal(['ListAccessKeys'])
    expect(s3Requests).to.have.length(1)
  })
})
