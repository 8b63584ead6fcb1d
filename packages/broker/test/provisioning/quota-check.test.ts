import {expect} from 'chai'
import nock from 'nock'
import {HEROKU_API, startTestBroker, type TestBroker} from '../helpers/app.js'
import {accountSummary, bucketList} from '../helpers/aws-fake-account.js'
import {bucketState} from '../helpers/aws-fake-bucket.js'
import {ACCOUNT_ID} from '../helpers/aws-fakes.js'
import {queryError} from '../helpers/aws-xml.js'
import {TEAM} from '../helpers/heroku.js'
import {saveQuotaSnapshot} from '../../src/storage/quota-snapshots.js'
import {
  herokuAcceptsConfig,
  linkAcme,
  type ProvisionOptions,
  provisionForAcme,
  runProvision,
  stateOf,
} from '../helpers/slice.js'

const CREATING_CALLS = ['CreateBucket', 'CreateUser', 'PutUserPolicy', 'CreateAccessKey']

class SimulatedCrash extends Error {}

describe('the quota check before provisioning', () => {
  let broker: TestBroker
  let crashAfter: string | undefined

  before(async () => {
    broker = await startTestBroker(
      {},
      {
        afterStep: (step) => {
          if (step === crashAfter) throw new SimulatedCrash(`crash after ${step}`)
        },
      },
    )
    expect((await linkAcme(broker, {allowAdopt: true})).statusCode).to.equal(200)
  })

  beforeEach(async () => {
    crashAfter = undefined
    await broker.app.services.pool.query('delete from quota_snapshots')
  })

  after(() => broker.app.close())

  function nearFullSnapshot(counts: {iamUsers?: number; buckets?: number}) {
    return saveQuotaSnapshot(broker.app.services.pool, TEAM.id, ACCOUNT_ID, {
      iamUsers: counts.iamUsers ?? 10,
      iamUsersQuota: 5000,
      buckets: counts.buckets ?? 10,
      bucketsQuota: 10_000,
      denied: [],
    })
  }

  async function refusedInJob(options: ProvisionOptions) {
    const provision = await provisionForAcme(broker, options)
    expect(provision.response.statusCode).to.equal(202)
    const heroku = nock(HEROKU_API)
      .post(`/addons/${provision.uuid}/actions/deprovision`)
      .reply(200, {})

    await runProvision(broker, provision.uuid, {retryCount: 0, retryLimit: 10})

    heroku.done()
    const state = await stateOf(broker, provision.uuid)
    const calls = [
      ...provision.s3.requests.map((call) => call.operation),
      ...provision.iam.map((call) => call.Action),
    ]
    return {...provision, ...state, calls}
  }

  it('fails the add-on before it makes anything when the account is near its IAM user limit', async () => {
    const {state, failureReason, message, calls, users} = await refusedInJob({
      iamOverrides: {GetAccountSummary: () => accountSummary(4951)},
    })

    expect(state).to.equal('failed')
    expect(failureReason).to.equal(
      'AWS account 111122223333 has 4951 of its 5000 IAM users, and each add-on needs one. ' +
        'IAM\'s "Users per account" quota (L-F55AF5E4) cannot be raised: delete IAM users that ' +
        'are no longer used, or link team acme to another AWS account (heroku byo-s3:link ' +
        '--team acme). Then try again.',
    )
    expect(message).to.contain('L-F55AF5E4')
    expect(calls).to.deep.equal(['GetAccountSummary'])
    expect(users.size).to.equal(0)
  })

  it('fails the add-on before it makes anything when the account is near its bucket quota', async () => {
    const {state, failureReason, calls, s3} = await refusedInJob({bucketList: bucketList(9901)})

    expect(state).to.equal('failed')
    expect(failureReason).to.equal(
      'AWS account 111122223333 has 9901 of its 10000 general purpose S3 buckets. Raise the ' +
        'Amazon S3 quota "General purpose buckets" (L-DC2B2D3D) in the Service Quotas console ' +
        'in US East (N. Virginia), or delete buckets that are no longer used. Then try again.',
    )
    expect(calls).to.deep.equal(['GetAccountSummary'])
    expect(s3.requests).to.deep.equal([])
  })

  it('provisions an account below both limits, with two AWS calls for the check', async () => {
    const {uuid, s3, iam, bucketLists} = await provisionForAcme(broker, {
      iamOverrides: {GetAccountSummary: () => accountSummary(4950)},
      bucketList: bucketList(9900),
    })
    crashAfter = 'quota_checked'
    await runProvision(broker, uuid).catch(() => undefined)

    // Everything AWS was asked up to the end of the check.
    const checkCalls = [...iam.map((call) => call.Action), ...s3.requests.map((c) => c.operation)]
    expect(checkCalls.length + bucketLists.length).to.equal(2)
    expect(checkCalls).to.deep.equal(['GetAccountSummary'])
    expect(bucketLists.map((query) => query.get('max-buckets'))).to.deep.equal(['10000'])

    crashAfter = undefined
    herokuAcceptsConfig(uuid)
    await runProvision(broker, uuid)

    expect((await stateOf(broker, uuid)).state).to.equal('provisioned')
    expect(iam.filter((call) => call.Action === 'GetAccountSummary')).to.have.length(1)
    expect(bucketLists).to.have.length(1)
  })

  it('never counts again once the job has made something, even without a recorded check', async () => {
    const {uuid, iam, bucketLists} = await provisionForAcme(broker)
    crashAfter = 'user_created'
    await runProvision(broker, uuid).catch(() => undefined)
    // As a job begun before the check existed would look.
    await broker.app.services.pool.query(
      `update resources set steps = array_remove(steps, 'quota_checked') where id = $1`,
      [uuid],
    )
    iam.length = 0
    bucketLists.length = 0

    crashAfter = undefined
    herokuAcceptsConfig(uuid)
    await runProvision(broker, uuid)

    expect((await stateOf(broker, uuid)).state).to.equal('provisioned')
    expect(iam.map((call) => call.Action)).not.to.include('GetAccountSummary')
    expect(bucketLists).to.deep.equal([])
  })

  it('keeps the job’s count, so the next request is refused without asking AWS', async () => {
    await refusedInJob({bucketList: bucketList(9950)})
    nock.cleanAll()

    const next = await provisionForAcme(broker)

    expect(next.response.statusCode).to.equal(422)
    expect(next.response.json().message).to.contain('9950 of its 10000 general purpose S3 buckets')
    expect([next.s3.requests, next.iam, next.bucketLists]).to.deep.equal([[], [], []])
  })

  it('refuses the request with 422 from the last snapshot, without asking AWS', async () => {
    await nearFullSnapshot({iamUsers: 4999})

    const {response, s3, iam, bucketLists, uuid} = await provisionForAcme(broker)

    expect(response.statusCode).to.equal(422)
    expect(response.json().message).to.contain('"Users per account" quota (L-F55AF5E4)')
    expect([s3.requests, iam, bucketLists]).to.deep.equal([[], [], []])
    expect((await stateOf(broker, uuid)).state).to.equal('refused')
  })

  it('names both quotas when the snapshot shows both near their limit', async () => {
    await nearFullSnapshot({iamUsers: 4999, buckets: 9999})

    const {response} = await provisionForAcme(broker)

    expect(response.statusCode).to.equal(422)
    expect(response.json().message).to.contain('L-F55AF5E4').and.to.contain('L-DC2B2D3D')
  })

  it('ignores a snapshot older than a day', async () => {
    await nearFullSnapshot({iamUsers: 4999})
    await broker.app.services.pool.query(
      `update quota_snapshots set checked_at = now() - interval '25 hours'`,
    )

    const {response} = await provisionForAcme(broker)

    expect(response.statusCode).to.equal(202)
  })

  it('does not refuse adopting an existing bucket for the bucket count', async () => {
    await nearFullSnapshot({buckets: 9999})
    const options = {bucket: 'acme-existing-assets'}

    const adoption = await provisionForAcme(broker, {options, bucketList: bucketList(9999)})
    adoption.s3.buckets.set('acme-existing-assets', bucketState({location: 'us-east-1'}))
    herokuAcceptsConfig(adoption.uuid)
    await runProvision(broker, adoption.uuid)
    nock.cleanAll()
    const created = await provisionForAcme(broker)

    expect(adoption.response.statusCode).to.equal(202)
    const {state, message} = await stateOf(broker, adoption.uuid)
    expect(state, message).to.equal('provisioned')
    expect(created.response.statusCode, 'a new bucket is refused').to.equal(422)
  })

  it('skips the IAM count with a warning when GetAccountSummary is denied, and provisions', async () => {
    const denied = {
      status: 403,
      body: queryError('AccessDenied', 'not authorized to perform: iam:GetAccountSummary'),
    }
    const {uuid} = await provisionForAcme(broker, {
      iamOverrides: {GetAccountSummary: () => denied},
    })
    herokuAcceptsConfig(uuid)
    const logged = broker.logLines.length

    await runProvision(broker, uuid)

    expect((await stateOf(broker, uuid)).state).to.equal('provisioned')
    const warnings = broker.logLines.slice(logged).map((line) => JSON.parse(line))
    expect(warnings.find((line) => line.msg === 'quota check skipped: permission denied'))
      .to.have.property('denied')
      .that.deep.equals(['iam:GetAccountSummary'])
    const {rows} = await broker.app.services.pool.query(
      'select iam_users, buckets from quota_snapshots',
    )
    expect(rows).to.deep.equal([{iam_users: null, buckets: 2}])
  })

  it('counts the account when a team links it, so a full account is refused at once', async () => {
    const link = await linkAcme(broker, {}, [accountSummary(4990), bucketList(5)])
    expect(link.statusCode).to.equal(200)

    const {response} = await provisionForAcme(broker)

    expect(response.statusCode).to.equal(422)
    expect(response.json().message).to.contain('4990 of its 5000 IAM users')
  })

  it('still links a team whose keys may not count the account', async () => {
    const denied = (code: string) => ({status: 403, body: queryError(code, 'not authorized')})
    const link = await linkAcme(broker, {}, [denied('AccessDenied'), denied('AccessDenied')])

    expect(link.statusCode).to.equal(200)
    const {rows} = await broker.app.services.pool.query(
      'select iam_users as "iamUsers", buckets from quota_snapshots',
    )
    expect(rows).to.deep.equal([{iamUsers: null, buckets: null}])
    expect((await provisionForAcme(broker)).response.statusCode).to.equal(202)
  })

  for (const creating of CREATING_CALLS) {
    it(`makes no ${creating} call for a refused account`, async () => {
      const {calls} = await refusedInJob({bucketList: bucketList(10_000)})

      expect(calls).not.to.include(creating)
    })
  }
})
