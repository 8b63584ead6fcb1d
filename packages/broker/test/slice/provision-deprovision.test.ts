import {expect} from 'chai'
import {isValidBucketName} from '../../src/aws/bucket-name.js'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {fakeQueryApi, STS_URL} from '../helpers/aws-fakes.js'
import {elements, queryResult, STS_NAMESPACE, xmlTexts} from '../helpers/aws-xml.js'
import {herokuKnowsUser, USER_TOKEN} from '../helpers/heroku.js'
import {
  deprovision,
  herokuAcceptsConfig,
  linkAcme,
  provisionForAcme,
  runDeprovision,
  runProvision,
  stateOf,
} from '../helpers/slice.js'

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

    // Heroku gets 202 at once; nothing was made in AWS yet.
    expect(response.statusCode, response.body).to.equal(202)
    expect(response.json().id).to.equal(uuid)
    expect(response.json().message).to.match(
      /^Creating bucket byo-s3-shop-prod-[a-z2-7]{12} in eu-west-1/,
    )
    expect([s3.requests.length, iam.length]).to.deep.equal([0, 0])
    oauth.done()
    platform.done()

    // The job does the AWS work, then hands the config vars to Heroku and marks it provisioned.
    const heroku = herokuAcceptsConfig(uuid)
    await runProvision(broker, uuid)
    heroku.scope.done()
    expect((await stateOf(broker, uuid)).state).to.equal('provisioned')
    const [config] = heroku.sent
    const bucket = config.find((variable) => variable.name === 'BYO_S3_BUCKET_NAME')!.value
    expect(config).to.deep.equal([
      {name: 'BYO_S3_BUCKET_NAME', value: bucket},
      {name: 'BYO_S3_AWS_REGION', value: 'eu-west-1'},
      {name: 'BYO_S3_AWS_ACCESS_KEY_ID', value: 'AKIANEWAPPKEY0000001'},
      {name: 'BYO_S3_AWS_SECRET_ACCESS_KEY', value: 'app-secret-1'},
    ])

    // The bucket: a valid name with a hint of the app, created in eu-west-1, locked down.
    expect(bucket).to.match(/^byo-s3-shop-prod-[a-z2-7]{12}$/)
    expect(isValidBucketName(bucket)).to.equal(true)
    for (const call of s3.requests)
      expect([call.bucket, call.region]).to.deep.equal([bucket, 'eu-west-1'])
    const create = s3.requests.find((call) => call.operation === 'CreateBucket')!
    expect(xmlTexts(create.body, 'LocationConstraint')).to.deep.equal(['eu-west-1'])
    expect(create.headers['x-amz-object-ownership']).to.equal('BucketOwnerEnforced')
    const state = s3.buckets.get(bucket)!
    expect(state.publicAccessBlock).to.deep.equal({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    })
    expect(state.encryption).to.equal('AES256')
    expect(JSON.parse(state.policy!).Statement[0].Condition).to.deep.equal({
      Bool: {'aws:SecureTransport': 'false'},
    })
    expect(state.tags).to.include({'managed-by': 'byo-s3', 'byo-s3:addon-uuid': uuid})

    // The IAM user: one inline policy scoped to this bucket's ARNs, and one key, probed before use.
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
    expect(s3.requests.filter((call) => call.operation === 'ListObjectsV2').length).to.be.at.least(
      1,
    )

    // Heroku deprovisions it: answered at once, then the job removes key, policy, user, bucket.
    const deprovisioned = await deprovision(broker, uuid)
    expect(deprovisioned.statusCode).to.equal(204)
    expect((await stateOf(broker, uuid)).state).to.equal('deprovisioning')
    await runDeprovision(broker, uuid)

    // After the key, provisioning lists the user's keys once more, to delete any stray one.
    const provisionCalls = iam.findIndex((call) => call.Action === 'CreateAccessKey') + 2
    expect(iam.slice(provisionCalls).map((call) => call.Action)).to.deep.equal([
      'ListAccessKeys',
      'DeleteAccessKey',
      'ListUserPolicies',
      'DeleteUserPolicy',
      'ListAttachedUserPolicies',
      'DeleteUser',
    ])
    expect(users.size).to.equal(0)
    expect(s3.requests.at(-1)!.operation).to.equal('DeleteBucket')
    expect(state.exists).to.equal(false)
    expect((await stateOf(broker, uuid)).state).to.equal('deprovisioned')
  })

  it('creates a us-east-1 bucket without a location constraint', async () => {
    const {uuid, response, s3} = await provisionForAcme(broker, {region: 'us-east-1'})
    herokuAcceptsConfig(uuid)

    await runProvision(broker, uuid)

    expect(response.statusCode).to.equal(202)
    const create = s3.requests.find((call) => call.operation === 'CreateBucket')!
    expect(create.region).to.equal('us-east-1')
    expect(create.body).not.to.contain('LocationConstraint')
    await deprovision(broker, uuid)
  })

  it('answers a repeated provision with the same reply and queues nothing more', async () => {
    const {response, post, oauth} = await provisionForAcme(broker)

    const again = await post()

    expect(again.statusCode).to.equal(202)
    expect(again.json()).to.deep.equal(response.json())
    oauth.done()
  })

  it('refuses to move the link to another AWS account while the team has a live add-on', async () => {
    const {uuid} = await provisionForAcme(broker, {appName: 'ledger'})
    herokuKnowsUser('admin')
    fakeQueryApi(STS_URL, () => ({
      body: queryResult(
        'GetCallerIdentity',
        elements({
          Account: '999988887777',
          Arn: 'arn:aws:iam::999988887777:user/x',
          UserId: 'AIDA',
        }),
        STS_NAMESPACE,
      ),
    }))

    const response = await broker.app.inject({
      method: 'PUT',
      url: '/admin/teams/acme/link',
      headers: {authorization: `Bearer ${USER_TOKEN}`},
      payload: {
        accessKeyId: 'AKIAI44QH8DHBEXAMPLE',
        secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
      },
    })

    expect(response.statusCode).to.equal(409)
    expect(response.json().message).to.contain('in AWS account 111122223333')
    const {rows} = await broker.app.services.pool.query('select aws_account_id from team_links')
    expect(rows).to.deep.equal([{aws_account_id: '111122223333'}])
    await deprovision(broker, uuid)
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
