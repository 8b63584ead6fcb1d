import {expect} from 'chai'

import {provisionBucketAndUser, type ProvisionRequest} from '../../src/aws/provision.js'
import {
  ACCOUNT_ID,
  fakeS3,
  LINKED_CREDENTIALS,
  s3BucketUrl,
  type S3Request,
  testClients,
} from '../helpers/aws-fakes.js'
import {fakeIam, type FakeIamUsers} from '../helpers/aws-fake-iam.js'
import {s3Error} from '../helpers/aws-xml.js'

const ADDON_ID = '01234567-89ab-cdef-0123-456789abcdef'
const BUCKET = 'byo-s3-shop-abcdefghijkl'

const request: ProvisionRequest = {
  addonId: ADDON_ID,
  accountId: ACCOUNT_ID,
  bucketName: BUCKET,
  region: 'eu-west-1',
  iamUserName: `byo-s3-${ADDON_ID}`,
  tags: {'byo-s3:team-id': 'team-uuid', 'byo-s3:app-name': 'shop'},
}

/** An S3 bucket that exists once created, as S3 answers a repeated create outside us-east-1. */
function fakeBucketHost() {
  let created = false
  return fakeS3(s3BucketUrl(BUCKET, 'eu-west-1'), ({method, query}) => {
    const isCreate = method === 'PUT' && query.size === 0
    if (!isCreate) return {}
    if (created) return {status: 409, body: s3Error('BucketAlreadyOwnedByYou')}

    created = true
    return {}
  })
}

function s3Steps(requests: S3Request[]) {
  return requests.map(({method, query}) => `${method} ${[...query.keys()].join('&')}`.trim())
}

describe('provisionBucketAndUser', () => {
  it('creates and secures the bucket, then the user, its policy and its key', async () => {
    const s3Requests = fakeBucketHost()
    const iamCalls = fakeIam(new Map())

    const key = await provisionBucketAndUser(testClients(), LINKED_CREDENTIALS, request)

    expect(key).to.deep.equal({
      accessKeyId: 'AKIANEWAPPKEY0000001',
      secretAccessKey: 'app-secret-1',
    })
    expect(s3Steps(s3Requests)).to.deep.equal([
      'PUT',
      'PUT tagging',
      'PUT publicAccessBlock',
      'PUT encryption',
      'PUT policy',
      'PUT lifecycle',
    ])
    expect(iamCalls.map((call) => call.Action)).to.deep.equal([
      'CreateUser',
      'PutUserPolicy',
      'ListAccessKeys',
      'CreateAccessKey',
      'ListAccessKeys',
    ])
  })

  it('can run again after a crash and still leaves one bucket, one user and one key', async () => {
    const users: FakeIamUsers = new Map()
    const s3Requests = fakeBucketHost()
    fakeIam(users)

    await provisionBucketAndUser(testClients(), LINKED_CREDENTIALS, request)
    const key = await provisionBucketAndUser(testClients(), LINKED_CREDENTIALS, request)

    expect(
      s3Requests.filter(({method, query}) => method === 'PUT' && query.size === 0),
    ).to.have.length(2)
    expect(users.size).to.equal(1)
    expect(users.get(request.iamUserName)?.accessKeys).to.deep.equal([key.accessKeyId])
    expect(Object.keys(users.get(request.iamUserName)!.inlinePolicies)).to.deep.equal([
      'byo-s3-bucket-access',
    ])
  })

  it('never shows the linked secret in what it sends or returns', async () => {
    const s3Requests = fakeBucketHost()
    const iamCalls = fakeIam(new Map())

    const key = await provisionBucketAndUser(testClients(), LINKED_CREDENTIALS, request)

    const everything = JSON.stringify({
      key,
      iamCalls,
      s3Requests: s3Requests.map(({headers, body}) => ({headers, body})),
    })
    expect(everything).not.to.include(LINKED_CREDENTIALS.secretAccessKey)
  })
})
