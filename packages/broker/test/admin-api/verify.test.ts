import {expect} from 'chai'
import nock from 'nock'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {ACCOUNT_ID, fakeQueryApi, IAM_URL, STS_URL} from '../helpers/aws-fakes.js'
import {elements, queryError, queryResult, STS_NAMESPACE} from '../helpers/aws-xml.js'
import {herokuKnowsUser, USER_TOKEN} from '../helpers/heroku.js'
import {linkAcme} from '../helpers/slice.js'

const LINKER_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/linker`

function simulatorAnswers(denied: string[]) {
  return fakeQueryApi(IAM_URL, (params) => {
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
    const calls = simulatorAnswers(['s3:PutBucketPolicy', 'iam:CreateAccessKey'])

    const response = await verify()

    expect(response.statusCode).to.equal(200)
    const report = response.json()
    expect(report).to.include({awsAccountId: ACCOUNT_ID, arn: LINKER_ARN, permissionsChecked: true})
    expect(report.missing).to.deep.equal(['s3:PutBucketPolicy', 'iam:CreateAccessKey'])
    expect(report.permissions).to.deep.include({
      action: 's3:CreateBucket',
      resource: 'arn:aws:s3:::byo-s3-*',
      allowed: true,
    })
    expect(report.permissions).to.deep.include({
      action: 'iam:CreateAccessKey',
      resource: `arn:aws:iam::${ACCOUNT_ID}:user/byo-s3/*`,
      allowed: false,
    })
    expect(calls.map((call) => call['ResourceArns.member.1'])).to.deep.equal([
      'arn:aws:s3:::byo-s3-verify-example',
      'arn:aws:s3:::byo-s3-verify-example/*',
      `arn:aws:iam::${ACCOUNT_ID}:user/byo-s3/byo-s3-verify-example`,
    ])
    expect(calls.every((call) => call.PolicySourceArn === LINKER_ARN)).to.equal(true)
  })

  it('checks S3 rights on the team’s own bucket prefix', async () => {
    await broker.app.services.pool.query("update team_links set bucket_prefix = 'acme-data'")
    herokuKnowsUser('admin')
    const calls = simulatorAnswers([])

    const response = await verify()

    expect(response.json().permissions).to.deep.include({
      action: 's3:CreateBucket',
      resource: 'arn:aws:s3:::acme-data-*',
      allowed: true,
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
