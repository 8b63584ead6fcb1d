import {expect} from 'chai'
import pg from 'pg'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {
  ADMIN_CLIENT,
  csrfOf,
  herokuKnowsPageUser,
  signInToAdminPage,
} from '../helpers/admin-page.js'
import {accountSummary, bucketList, fakeBucketList} from '../helpers/aws-fake-account.js'
import {ACCOUNT_ID, fakeQueryApi, IAM_URL} from '../helpers/aws-fakes.js'
import {elements, queryResult} from '../helpers/aws-xml.js'
import {linkAcme, provisionForAcme} from '../helpers/slice.js'

const ADMIN_TOKEN = 'HRKU-team-actions-token-2f7e'
const BROKER_ARN = 'arn:aws:iam::999988887777:user/byo-s3-broker'

/** IAM's simulator denying `denied`, and its account summary for the quota check. */
function iamAnswers(denied: string[]) {
  return fakeQueryApi(IAM_URL, (params) => {
    if (params.Action === 'GetAccountSummary') return accountSummary(40)
    const members = Object.entries(params)
      .filter(([name]) => name.startsWith('ActionNames.member.'))
      .map(
        ([, action]) =>
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

describe('the admin page’s team actions', () => {
  let broker: TestBroker
  let cookie: string
  let csrf: string

  beforeEach(async () => {
    broker = await startTestBroker({...ADMIN_CLIENT, BROKER_AWS_PRINCIPAL_ARN: BROKER_ARN})
    expect((await linkAcme(broker)).statusCode).to.equal(200)
    herokuKnowsPageUser(ADMIN_TOKEN, 'admin')
    cookie = await signInToAdminPage(broker, ADMIN_TOKEN)
    csrf = csrfOf((await broker.app.inject({url: '/admin', headers: {cookie}})).body)
  })

  afterEach(() => broker.app.close())

  const post = (action: string, url = `/admin/team/acme/${action}`) =>
    broker.app.inject({
      method: 'POST',
      url,
      headers: {cookie, 'content-type': 'application/x-www-form-urlencoded'},
      payload: new URLSearchParams({csrf}).toString(),
    })

  it('verifies the link and names the missing permissions', async () => {
    iamAnswers(['s3:PutBucketPolicy'])
    fakeBucketList(bucketList(3))

    const response = await post('verify')

    expect(response.statusCode, response.body).to.equal(200)
    expect(response.body).to.contain('Verification')
    expect(response.body).to.contain(`arn:aws:iam::${ACCOUNT_ID}:user/linker`)
    expect(response.body).to.contain('<code>s3:PutBucketPolicy</code>')
  })

  it('shows the role setup to copy, with the team’s External ID', async () => {
    const response = await post('role-setup')

    expect(response.statusCode, response.body).to.equal(200)
    const client = new pg.Client({connectionString: broker.databaseUrl})
    await client.connect()
    const {rows} = await client
      .query('select external_id from team_external_ids')
      .finally(() => client.end())
    const externalId = rows[0]?.external_id as string
    expect(externalId).to.be.a('string')
    expect(response.body).to.contain(externalId)
    expect(response.body).to.contain('sts:AssumeRole')
    expect(response.body).to.contain(BROKER_ARN)
    expect(response.body).to.contain('<pre>')
  })

  it('unlinks a team with no add-ons and shows it not linked', async () => {
    const response = await post('unlink')

    expect(response.statusCode).to.equal(303)
    const page = await broker.app.inject({url: '/admin/team/acme', headers: {cookie}})
    expect(page.body).to.contain('not linked')
  })

  it('refuses to unlink a team that has add-ons, and keeps the link', async () => {
    const {response: provisioned} = await provisionForAcme(broker)
    expect(provisioned.statusCode).to.equal(202)

    const response = await post('unlink')

    expect(response.statusCode).to.equal(409)
    expect(response.body).to.contain('Team acme still has 1 byo-s3 add-on(s)')
    const page = await broker.app.inject({url: '/admin/team/acme', headers: {cookie}})
    expect(page.body).to.contain('linked (keys)')
  })

  it('signs out, after which the page offers to sign in again', async () => {
    const response = await post('sign-out', '/admin/auth/sign-out')

    expect(response.statusCode).to.equal(303)
    const cleared = response.cookies.find(({name}) => name === 'byo-s3-admin')!
    expect(cleared.value).to.equal('')
    const team = await broker.app.inject({url: '/admin/team/acme'})
    expect(team.statusCode).to.equal(401)
  })
})
