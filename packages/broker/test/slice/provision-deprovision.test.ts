import {expect} from 'chai'
import {isValidBucketName} from '../../src/aws/bucket-name.js'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {xmlTexts} from '../helpers/aws-xml.js'
import {herokuKnowsUser, USER_TOKEN} from '../helpers/heroku.js'
import {deprovision, linkAcme, provisionForAcme} from '../helpers/slice.js'

const forbidden =
  /Policy|PublicAccessBlock|Acl|OwnershipControls|^s3:DeleteBucket$|BucketTagging|Versioning|Encryption/

describe('the whole path: link a team, provision a bucket, deprovision it', () => {
  let broker: TestBroker

  before(async () => {
    broker = await startTestBroker()
    expect((await linkAcme(broker)).statusCode).to.equal(200)
  })

  after(() => broker.app.close())

  it('creates a least-privilege bucket in the team’s account and removes it all again', async () => {
    const {uuid, response, oauth, platform, s3, iam, users} = await provisionForAcme(broker, {
      region: 'eu-west-1',
      appName: 'Shop_Prod',
    })

    expect(response.statusCode, response.body).to.equal(200)
    oauth.done()
    platform.done()
    const {config} = response.json()
    const bucket = config.BYO_S3_BUCKET_NAME
    expect(response.json().id).to.equal(uuid)
    expect(config).to.deep.equal({
      BYO_S3_BUCKET_NAME: bucket,
      BYO_S3_AWS_REGION: 'eu-west-1',
      BYO_S3_AWS_ACCESS_KEY_ID: 'AKIANEWAPPKEY0000001',
      BYO_S3_AWS_SECRET_ACCESS_KEY: 'app-secret-1',
    })

    // The bucket: a valid name with a hint of the app, created in eu-west-1, locked down.
    expect(bucket).to.match(/^byo-s3-shop-prod-[a-z2-7]{12}$/)
    expect(isValidBucketName(bucket)).to.equal(true)
    for (const call of s3) expect([call.bucket, call.region]).to.deep.equal([bucket, 'eu-west-1'])
    const create = s3.find((call) => call.method === 'PUT' && [...call.query.keys()].length === 0)!
    expect(xmlTexts(create.body, 'LocationConstraint')).to.deep.equal(['eu-west-1'])
    expect(create.headers['x-amz-object-ownership']).to.equal('BucketOwnerEnforced')
    const settings = s3
      .filter((call) => call.method === 'PUT')
      .map((call) => [...call.query.keys()].join())
    expect(settings).to.include.members(['publicAccessBlock', 'encryption', 'policy', 'tagging'])

    // The IAM user: one inline policy scoped to this bucket's ARNs, and one key.
    const policy = JSON.parse(iam.find((call) => call.Action === 'PutUserPolicy')!.PolicyDocument)
    const statements: {Action: string | string[]; Resource: string | string[]}[] = policy.Statement
    const resources = statements.flatMap((statement) => [statement.Resource].flat())
    const actions = statements.flatMap((statement) => [statement.Action].flat())
    expect(new Set(resources)).to.deep.equal(
      new Set([`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`]),
    )
    for (const action of actions) {
      expect(action).to.match(/^s3:[A-Za-z]+$/)
      expect(action).not.to.match(forbidden)
    }
    expect(actions).to.include.members([
      's3:GetObject',
      's3:PutObject',
      's3:DeleteObject',
      's3:ListBucket',
    ])
    expect(iam.filter((call) => call.Action === 'CreateAccessKey')).to.have.length(1)
    expect(users.get(`byo-s3-${uuid}`)!.path).to.equal('/byo-s3/')

    // Heroku deprovisions it: key, policy, user, then the bucket go.
    const deprovisioned = await deprovision(broker, uuid)

    expect(deprovisioned.statusCode).to.equal(204)
    const provisionCalls = iam.findIndex((call) => call.Action === 'CreateAccessKey') + 1
    expect(iam.slice(provisionCalls).map((call) => call.Action)).to.deep.equal([
      'ListAccessKeys',
      'DeleteAccessKey',
      'ListUserPolicies',
      'DeleteUserPolicy',
      'ListAttachedUserPolicies',
      'DeleteUser',
    ])
    expect(users.size).to.equal(0)
    const last = s3.at(-1)!
    expect([last.method, last.path, [...last.query.keys()].length]).to.deep.equal([
      'DELETE',
      '/',
      0,
    ])
  })

  it('creates a us-east-1 bucket without a location constraint', async () => {
    const {response, s3} = await provisionForAcme(broker, {region: 'us-east-1'})

    expect(response.statusCode).to.equal(200)
    expect(response.json().config.BYO_S3_AWS_REGION).to.equal('us-east-1')
    const create = s3.find((call) => call.method === 'PUT' && [...call.query.keys()].length === 0)!
    expect(create.region).to.equal('us-east-1')
    expect(create.body).not.to.contain('LocationConstraint')
  })

  it('answers a repeated provision with the same reply and creates nothing more', async () => {
    const {response, post, s3, iam} = await provisionForAcme(broker)
    const callsBefore = [s3.length, iam.length]

    const again = await post()

    expect(again.statusCode).to.equal(200)
    expect(again.json()).to.deep.equal(response.json())
    expect([s3.length, iam.length]).to.deep.equal(callsBefore)
  })

  it('refuses to unlink the team while it has a live add-on, listing it', async () => {
    const {uuid} = await provisionForAcme(broker, {appName: 'billing'})
    herokuKnowsUser('admin')

    const response = await broker.app.inject({
      method: 'DELETE',
      url: '/admin/teams/acme/link',
      headers: {authorization: `Bearer ${USER_TOKEN}`},
    })

    expect(response.statusCode).to.equal(409)
    expect(response.json().id).to.equal('live_addons')
    expect(response.json().message).to.contain('(app billing)')
    await deprovision(broker, uuid)
  })
})
