import {expect} from 'chai'
import nock from 'nock'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {ACCOUNT_ID, fakeQueryApi, IAM_URL, STS_URL} from '../helpers/aws-fakes.js'
import {elements, queryError, queryResult, STS_NAMESPACE} from '../helpers/aws-xml.js'
import {herokuKnowsUser, USER_TOKEN} from '../helpers/heroku.js'
import {linkAcme} from '../helpers/slice.js'
import {accountSummary, bucketList, fakeBucketList} from '../helpers/aws-fake-account.js'

const LINKER_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/linker`

/** IAM's policy simulator; GetAccountSummary answers too but is left out of the calls kept. */
function simulatorAnswers(denied: string[], summary = accountSummary(40)) {
  const calls = fakeQueryApi(IAM_URL, (params) => {
    if (params.Action === 'GetAccountSummary') return summary
    const actions = Object.entries(params)
      .filter(([name]) => name.startsWith('ActionNames.member.'))
      .map(([, action]) => action)
    const members = actions.map(
      (action) =>
        `<member>${elements({
          EvalActionName: action,
          EvalResourceName: params['ResourceArns.member.1'],
          EvalDecision: denied.includes(action) ? 'implicitDeny' : 'allowed',
        })}</member>`,
    )
    return {
      body: queryResult(
        'SimulatePrincipalPolicy',
        `<EvaluationResults>${members.join('')}</EvaluationResults><IsTruncated>false</IsTruncated>`,
      ),
    }
  })
  return {
    get simulated() {
      return calls.filter((call) => call.Action === 'SimulatePrincipalPolicy')
    },
    summaries: () => calls.filter((call) => call.Action === 'GetAccountSummary').length,
  }
}

describe('Admin API: verifying a link', () => {
  let broker: TestBroker
  const verify = () =>
    broker.app.inject({
      method: 'POST',
      url: '/admin/teams/acme/verify',
      headers: {authorization: `Bearer ${USER_TOKEN}`},
    })

  beforeEach(async () => {
    broker = await startTestBroker()
    expect((await linkAcme(broker)).statusCode).to.equal(200)
  })

  afterEach(() => broker.app.close())

  it('checks the keys and every needed permission, naming the missing ones', async () => {
    herokuKnowsUser('admin')
    const iam = simulatorAnswers(['s3:PutBucketPolicy', 'iam:CreateAccessKey'])
    fakeBucketList(bucketList(7))

    const response = await verify()

    expect(response.statusCode).to.equal(200)
    const report = response.json()
    expect(report).to.include({awsAccountId: ACCOUNT_ID, arn: LINKER_ARN, permissionsChecked: true})
    expect(report.missing).to.deep.equal(['s3:PutBucketPolicy', 'iam:CreateAccessKey'])
    expect(report.permissions).to.deep.include({
      action: 's3:CreateBucket',
      resource: 'arn:aws:s3:::byo-s3-*',
      allowed: true,
      recommended: false,
    })
    expect(report.permissions).to.deep.include({
      action: 'iam:CreateAccessKey',
      resource: `arn:aws:iam::${ACCOUNT_ID}:user/byo-s3/*`,
      allowed: false,
      recommended: false,
    })
    const calls = iam.simulated
    expect(calls.map((call) => call['ResourceArns.member.1'])).to.deep.equal([
      'arn:aws:s3:::byo-s3-verify-example',
      'arn:aws:s3:::byo-s3-verify-example/*',
      `arn:aws:iam::${ACCOUNT_ID}:user/byo-s3/byo-s3-verify-example`,
      '*',
    ])
    expect(calls.every((call) => call.PolicySourceArn === LINKER_ARN)).to.equal(true)
  })

  it('checks S3 rights on the team’s own bucket prefix', async () => {
    await broker.app.services.pool.query("update team_links set bucket_prefix = 'acme-data'")
    herokuKnowsUser('admin')
    const iam = simulatorAnswers([])
    fakeBucketList(bucketList(7))

    const response = await verify()
    const calls = iam.simulated

    expect(response.json().permissions).to.deep.include({
      action: 's3:CreateBucket',
      resource: 'arn:aws:s3:::acme-data-*',
      allowed: true,
      recommended: false,
    })
    expect(calls.map((call) => call['ResourceArns.member.1']).slice(0, 2)).to.deep.equal([
      'arn:aws:s3:::acme-data-verify-example',
      'arn:aws:s3:::acme-data-verify-example/*',
    ])
  })

  it('still checks the keys when the simulator is not allowed, and says why', async () => {
    herokuKnowsUser('member')
    fakeQueryApi(IAM_URL, () => ({
      status: 403,
      body: queryError('AccessDenied', 'not authorized to perform: iam:SimulatePrincipalPolicy'),
    }))

    const response = await verify()

    expect(response.statusCode).to.equal(200)
    expect(response.json()).to.include({permissionsChecked: false})
    expect(response.json().reason).to.match(/^AccessDenied: .*iam:SimulatePrincipalPolicy/)
  })

  it('answers 422 when the linked keys no longer work', async () => {
    nock.cleanAll()
    herokuKnowsUser('admin')
    fakeQueryApi(STS_URL, () => ({
      status: 403,
      body: queryError('InvalidClientTokenId', 'The security token is invalid.', STS_NAMESPACE),
    }))

    const response = await verify()

    expect(response.statusCode).to.equal(422)
    expect(response.json().id).to.equal('invalid_aws_credentials')
  })
})

describe('Admin API: verifying a link counts the account against its quotas', () => {
  let broker: TestBroker
  const verify = () =>
    broker.app.inject({
      method: 'POST',
      url: '/admin/teams/acme/verify',
      headers: {authorization: `Bearer ${USER_TOKEN}`},
    })
  const snapshots = async () =>
    (
      await broker.app.services.pool.query(
        'select iam_users as "iamUsers", buckets from quota_snapshots',
      )
    ).rows

  beforeEach(async () => {
    broker = await startTestBroker()
    expect((await linkAcme(broker)).statusCode).to.equal(200)
  })

  afterEach(() => broker.app.close())

  it('shows the headroom of IAM users and buckets and keeps them for provisioning', async () => {
    herokuKnowsUser('admin')
    const iam = simulatorAnswers([], accountSummary(4990))
    const lists = fakeBucketList(bucketList(120))

    const report = (await verify()).json()

    expect(report.quotas).to.deep.equal({
      checked: true,
      reason: null,
      iamUsers: {used: 4990, quota: 5000, remaining: 10, refusedBelow: 50},
      buckets: {used: 120, quota: 10000, remaining: 9880, refusedBelow: 100},
      denied: [],
    })
    expect(iam.summaries()).to.equal(1)
    expect(lists.map((query) => query.get('max-buckets'))).to.deep.equal(['10000'])
    expect(await snapshots()).to.deep.equal([{iamUsers: 4990, buckets: 120}])
  })

  it('lists the quota permissions as recommended, never as missing', async () => {
    herokuKnowsUser('admin')
    simulatorAnswers(['iam:GetAccountSummary', 's3:ListAllMyBuckets', 's3:DeleteBucket'])
    fakeBucketList(bucketList(3))

    const report = (await verify()).json()

    expect(report.missing).to.deep.equal(['s3:DeleteBucket'])
    expect(report.missingRecommended).to.deep.equal([
      'iam:GetAccountSummary',
      's3:ListAllMyBuckets',
    ])
    expect(report.permissions).to.deep.include({
      action: 'iam:GetAccountSummary',
      resource: '*',
      allowed: false,
      recommended: true,
    })
  })

  it('names the permission it was refused when it cannot count IAM users', async () => {
    herokuKnowsUser('admin')
    simulatorAnswers([], {
      status: 403,
      body: queryError('AccessDenied', 'not authorized to perform: iam:GetAccountSummary'),
    })
    fakeBucketList(bucketList(3))

    const report = (await verify()).json()

    expect(report.quotas).to.include({checked: true, iamUsers: null})
    expect(report.quotas.denied).to.deep.equal(['iam:GetAccountSummary'])
    expect(await snapshots()).to.deep.equal([{iamUsers: null, buckets: 3}])
  })
})
