import {expect} from 'chai'
import nock from 'nock'
import {HEROKU_API, HEROKU_ID, startTestBroker, type TestBroker} from '../helpers/app.js'
import {JobInterrupted} from '../../src/provisioning/provision-job.js'
import {queryError, s3Error} from '../helpers/aws-xml.js'
import {grantReply} from '../helpers/heroku.js'
import {
  herokuAcceptsConfig,
  linkAcme,
  provisionForAcme,
  runProvision,
  stateOf,
} from '../helpers/slice.js'

const ALL_STEPS = [
  'accepted',
  'quota_checked',
  'bucket_created',
  'bucket_secured',
  'user_created',
  'policy_set',
  'key_created',
  'key_ready',
  'config_set',
  'provisioned',
]

const CREATING_CALLS = ['CreateBucket', 'CreateUser', 'PutUserPolicy', 'CreateAccessKey']

class SimulatedCrash extends Error {}

describe('the provisioning job', () => {
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
    expect((await linkAcme(broker)).statusCode).to.equal(200)
  })

  beforeEach(() => {
    crashAfter = undefined
  })

  after(() => broker.app.close())

  it('records every step of the state machine, bucket and IAM chains both done before the probe', async () => {
    const {uuid} = await provisionForAcme(broker)
    herokuAcceptsConfig(uuid)

    await runProvision(broker, uuid)

    const {state, steps} = await stateOf(broker, uuid)
    expect(state).to.equal('provisioned')
    expect([...steps].sort()).to.deep.equal([...ALL_STEPS].sort())
    expect(steps.slice(-3)).to.deep.equal(['key_ready', 'config_set', 'provisioned'])
    expect(steps.indexOf('bucket_created')).to.be.lessThan(steps.indexOf('bucket_secured'))
    expect(steps.indexOf('user_created')).to.be.lessThan(steps.indexOf('key_created'))
  })

  for (const step of ALL_STEPS.slice(1, -1)) {
    it(`resumes after a crash right after ${step}, creating nothing twice`, async () => {
      const {uuid, s3, iam, users} = await provisionForAcme(broker)
      const heroku = herokuAcceptsConfig(uuid)

      crashAfter = step
      let crashed = false
      await runProvision(broker, uuid).catch((error) => {
        crashed = error instanceof JobInterrupted
      })
      crashAfter = undefined
      await runProvision(broker, uuid)

      expect(crashed, 'the first run crashed').to.equal(true)
      expect((await stateOf(broker, uuid)).state).to.equal('provisioned')
      heroku.scope.done()
      const calls = [
        ...s3.requests.map((call) => call.operation),
        ...iam.map((call) => call.Action),
      ]
      for (const creating of CREATING_CALLS) {
        expect(
          calls.filter((call) => call === creating),
          creating,
        ).to.have.length(1)
      }
      expect(users.get(`byo-s3-${uuid}`)!.accessKeys).to.have.length(1)
    })
  }

  it('lets two workers run the same job at once and still makes one of everything', async () => {
    const {uuid, s3, iam} = await provisionForAcme(broker)
    const heroku = herokuAcceptsConfig(uuid)

    await Promise.all([runProvision(broker, uuid), runProvision(broker, uuid)])

    heroku.scope.done()
    expect((await stateOf(broker, uuid)).state).to.equal('provisioned')
    const calls = [...s3.requests.map((call) => call.operation), ...iam.map((call) => call.Action)]
    for (const creating of CREATING_CALLS) {
      expect(
        calls.filter((call) => call === creating),
        creating,
      ).to.have.length(1)
    }
  })

  it('retries transient AWS errors and then succeeds', async () => {
    const slowDown = {status: 503, body: s3Error('SlowDown', 'Please reduce your request rate.')}
    const {uuid, s3} = await provisionForAcme(broker, {
      s3Overrides: {CreateBucket: [slowDown, slowDown, slowDown, slowDown]},
    })
    herokuAcceptsConfig(uuid)

    const first = await runProvision(broker, uuid, {retryCount: 0, retryLimit: 10}).catch((e) => e)
    await runProvision(broker, uuid, {retryCount: 1, retryLimit: 10})

    expect(first).to.be.an('error')
    expect((first as {name: string}).name).to.equal('SlowDown')
    expect(s3.requests.filter((call) => call.operation === 'CreateBucket').length).to.be.at.least(2)
    expect((await stateOf(broker, uuid)).state).to.equal('provisioned')
  })

  it('cleans up after a permanent failure and tells Heroku, keeping the reason', async () => {
    const denied = {
      status: 403,
      body: queryError('AccessDenied', 'not authorized to perform iam:PutUserPolicy'),
    }
    const {uuid, s3, users} = await provisionForAcme(broker, {
      iamOverrides: {PutUserPolicy: () => denied},
    })
    const heroku = nock(HEROKU_API, {
      reqheaders: {authorization: `Bearer ${grantReply.access_token}`},
    })
      .post(`/addons/${uuid}/actions/deprovision`)
      .reply(200, {})

    await runProvision(broker, uuid, {retryCount: 0, retryLimit: 10})

    heroku.done()
    const {state, failureReason} = await stateOf(broker, uuid)
    expect(state).to.equal('failed')
    expect(failureReason).to.match(/^AccessDenied: not authorized to perform iam:PutUserPolicy/)
    expect(users.size, 'IAM users left behind').to.equal(0)
    expect([...s3.buckets.values()].every((bucket) => !bucket.exists)).to.equal(true)
  })

  it('treats a transient error on the last attempt as permanent', async () => {
    const slowDown = {status: 503, body: s3Error('SlowDown')}
    const {uuid} = await provisionForAcme(broker, {s3Overrides: {CreateBucket: slowDown}})
    const heroku = nock(HEROKU_API).post(`/addons/${uuid}/actions/deprovision`).reply(200, {})

    await runProvision(broker, uuid, {retryCount: 10, retryLimit: 10})

    heroku.done()
    const {state, failureReason} = await stateOf(broker, uuid)
    expect(state).to.equal('failed')
    expect(failureReason).to.match(/^SlowDown/)
  })

  it('never deletes a bucket whose name another account owns', async () => {
    const taken = {status: 409, body: s3Error('BucketAlreadyExists')}
    const {uuid, s3} = await provisionForAcme(broker, {s3Overrides: {CreateBucket: taken}})
    nock(HEROKU_API).post(`/addons/${uuid}/actions/deprovision`).reply(200, {})

    await runProvision(broker, uuid)

    expect((await stateOf(broker, uuid)).failureReason).to.contain('Another AWS account owns')
    expect(s3.requests.map((call) => call.operation)).to.deep.equal(['CreateBucket'])
  })

  it('refreshes an expired OAuth token before it sets the config vars', async () => {
    const {uuid} = await provisionForAcme(broker)
    await broker.app.services.pool.query(
      `update resources set oauth_expires_at = now() - interval '1 minute' where id = $1`,
      [uuid],
    )
    const refresh = nock(HEROKU_ID)
      .post(
        '/oauth/token',
        (body) =>
          body.grant_type === 'refresh_token' && body.refresh_token === grantReply.refresh_token,
      )
      .reply(200, {...grantReply, access_token: 'refreshed-access-token-1234'})
    const heroku = herokuAcceptsConfig(uuid, 'refreshed-access-token-1234')

    await runProvision(broker, uuid)

    refresh.done()
    heroku.scope.done()
    expect((await stateOf(broker, uuid)).state).to.equal('provisioned')
  })

  it('stops before its next step once the add-on is deprovisioned', async () => {
    const {uuid, iam} = await provisionForAcme(broker)
    await broker.app.inject({
      method: 'DELETE',
      url: `/heroku/resources/${uuid}`,
      headers: {authorization: broker.partnerAuth},
    })

    await runProvision(broker, uuid)

    expect(iam).to.deep.equal([])
    expect((await stateOf(broker, uuid)).state).to.equal('deprovisioning')
  })
})
