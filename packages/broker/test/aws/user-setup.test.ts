import {expect} from 'chai'

import type {PolicyDocument} from '../../src/aws/policy.js'
import {createAccessKey, createUser, putUserPolicy} from '../../src/aws/user-setup.js'
import {LINKED_CREDENTIALS, testClients} from '../helpers/aws-fakes.js'
import {fakeIam, type FakeIamUsers, iamUser, tagsOf} from '../helpers/aws-fake-iam.js'
import {queryError} from '../helpers/aws-xml.js'

const ADDON_ID = '01234567-89ab-cdef-0123-456789abcdef'
const USER_NAME = `byo-s3-${ADDON_ID}`
const BUCKET = 'byo-s3-shop-abcdefghijkl'
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`

const FORBIDDEN_ACTIONS = [
  's3:*',
  's3:PutBucketPolicy',
  's3:DeleteBucket',
  's3:PutBucketAcl',
  's3:PutObjectAcl',
  's3:PutBucketPublicAccessBlock',
]

function asList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value]
}

describe('createUser', () => {
  const request = {iamUserName: USER_NAME, addonId: ADDON_ID, tags: {'byo-s3:team-id': 'team-uuid'}}

  it('creates the user under /byo-s3/ with its tags in the same call', async () => {
    const users: FakeIamUsers = new Map()
    const calls = fakeIam(users)

    await createUser(testClients(), LINKED_CREDENTIALS, request)

    expect(calls).to.have.length(1)
    expect(calls[0]).to.include({Action: 'CreateUser', UserName: USER_NAME, Path: '/byo-s3/'})
    expect(tagsOf(calls[0])).to.deep.equal({
      'byo-s3:team-id': 'team-uuid',
      'managed-by': 'byo-s3',
      'byo-s3:addon-uuid': ADDON_ID,
    })
    expect(users.get(USER_NAME)?.path).to.equal('/byo-s3/')
  })

  it('counts an existing user of that name as created', async () => {
    const users: FakeIamUsers = new Map([[USER_NAME, iamUser()]])
    const calls = fakeIam(users)

    await createUser(testClients(), LINKED_CREDENTIALS, request)

    expect(calls.map((call) => call.Action)).to.deep.equal(['CreateUser'])
  })

  it('passes other failures through', async () => {
    fakeIam(new Map(), {
      CreateUser: () => ({
        status: 409,
        body: queryError('LimitExceeded', 'Cannot exceed quota for UsersPerAccount: 5000'),
      }),
    })

    const error = await createUser(testClients(), LINKED_CREDENTIALS, request).catch(
      (e: unknown) => e,
    )

    expect(error).to.have.property('Code', 'LimitExceeded')
  })
})

describe('putUserPolicy', () => {
  async function putPolicy() {
    const users: FakeIamUsers = new Map([[USER_NAME, iamUser()]])
    const calls = fakeIam(users)
    await putUserPolicy(testClients(), LINKED_CREDENTIALS, {
      iamUserName: USER_NAME,
      bucketName: BUCKET,
    })
    return {calls, document: JSON.parse(calls[0].PolicyDocument) as PolicyDocument}
  }

  it('puts the inline policy byo-s3-bucket-access on the user', async () => {
    const {calls} = await putPolicy()

    expect(calls).to.have.length(1)
    expect(calls[0]).to.include({
      Action: 'PutUserPolicy',
      UserName: USER_NAME,
      PolicyName: 'byo-s3-bucket-access',
    })
  })

  it('sends a document whose every resource is the bucket or its objects', async () => {
    const {document} = await putPolicy()

    const resources = document.Statement.flatMap((statement) => asList(statement.Resource))
    expect(resources).to.have.members([BUCKET_ARN, `${BUCKET_ARN}/*`])
  })

  it('sends a document that grants no IAM, STS, KMS or bucket configuration rights', async () => {
    const {document} = await putPolicy()

    const actions = document.Statement.flatMap((statement) => asList(statement.Action))
    expect(actions).to.include('s3:GetObject')
    for (const action of actions) expect(action).not.to.match(/^(iam|sts|kms):/)
    for (const forbidden of FORBIDDEN_ACTIONS) expect(actions).not.to.include(forbidden)
  })
})

describe('createAccessKey', () => {
  it('returns a new key for the user', async () => {
    const users: FakeIamUsers = new Map([[USER_NAME, iamUser()]])
    const calls = fakeIam(users)

    const key = await createAccessKey(testClients(), LINKED_CREDENTIALS, {iamUserName: USER_NAME})

    expect(key).to.deep.equal({
      accessKeyId: 'AKIANEWAPPKEY0000001',
      secretAccessKey: 'app-secret-1',
    })
    expect(calls.map((call) => call.Action)).to.deep.equal([
      'ListAccessKeys',
      'CreateAccessKey',
      'ListAccessKeys',
    ])
    expect(users.get(USER_NAME)?.accessKeys).to.deep.equal(['AKIANEWAPPKEY0000001'])
  })

  it('deletes a key AWS made when its answer was lost and the SDK asked again', async () => {
    const users: FakeIamUsers = new Map([[USER_NAME, iamUser()]])
    let answers = 0
    const calls = fakeIam(users, {
      // AWS makes the key, and the caller gets a 503 instead of it.
      CreateAccessKey: (_params, user) => {
        if (answers++ > 0) return undefined
        user!.accessKeys.push('AKIALOSTANSWERKEY001')
        return {status: 503, body: queryError('ServiceUnavailable', 'Service unavailable')}
      },
    })

    const clients = testClients({maxAttempts: 2})
    const key = await createAccessKey(clients, LINKED_CREDENTIALS, {iamUserName: USER_NAME})

    expect(users.get(USER_NAME)?.accessKeys).to.deep.equal([key.accessKeyId])
    expect(
      calls.filter((call) => call.Action === 'DeleteAccessKey').map((call) => call.AccessKeyId),
    ).to.deep.equal(['AKIALOSTANSWERKEY001'])
  })

  it('replaces a key left behind by an interrupted attempt, so retries never pile up keys', async () => {
    const users: FakeIamUsers = new Map([
      [USER_NAME, iamUser({accessKeys: ['AKIALEFTOVERKEY00001']})],
    ])
    const calls = fakeIam(users)

    await createAccessKey(testClients(), LINKED_CREDENTIALS, {iamUserName: USER_NAME})
    const key = await createAccessKey(testClients(), LINKED_CREDENTIALS, {iamUserName: USER_NAME})

    expect(key.accessKeyId).to.equal('AKIANEWAPPKEY0000002')
    expect(users.get(USER_NAME)?.accessKeys).to.deep.equal(['AKIANEWAPPKEY0000002'])
    expect(
      calls.filter((call) => call.Action === 'DeleteAccessKey').map((call) => call.AccessKeyId),
    ).to.deep.equal(['AKIALEFTOVERKEY00001', 'AKIANEWAPPKEY0000001'])
  })
})
