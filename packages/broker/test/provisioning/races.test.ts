import {expect} from 'chai'
import nock from 'nock'
import {HEROKU_API, startTestBroker, type TestBroker} from '../helpers/app.js'
import {queryError, s3Error} from '../helpers/aws-xml.js'
import {grantReply, provisionedAddonReply} from '../helpers/heroku.js'
import {
  deprovision,
  linkAcme,
  provisionForAcme,
  runDeprovision,
  runProvision,
  stateOf,
} from '../helpers/slice.js'

const asPartner = {authorization: `Bearer ${grantReply.access_token}`}

describe('provisioning when things happen at the wrong moment', () => {
  let broker: TestBroker

  before(async () => {
    broker = await startTestBroker()
    expect((await linkAcme(broker)).statusCode).to.equal(200)
  })

  after(() => broker.app.close())

  it('lets a DELETE that arrives during the last step win, so nothing is left behind', async () => {
    const {uuid, users, s3} = await provisionForAcme(broker)
    nock(HEROKU_API, {reqheaders: asPartner})
      .patch(`/addons/${uuid}/config`)
      .reply(200, [])
      .post(`/addons/${uuid}/actions/provision`)
      .reply((_uri, _body, callback) => {
        deprovision(broker, uuid).then(() =>
          callback(null, [200, {...provisionedAddonReply, id: uuid}]),
        )
      })

    await runProvision(broker, uuid)
    expect((await stateOf(broker, uuid)).state).to.equal('deprovisioning')
    await runDeprovision(broker, uuid)

    expect((await stateOf(broker, uuid)).state).to.equal('deprovisioned')
    expect(users.size).to.equal(0)
    expect([...s3.buckets.values()].map((bucket) => bucket.exists)).to.deep.equal([false])
  })

  it('deletes a bucket that was created but not yet recorded when provisioning fails', async () => {
    const denied = {
      status: 403,
      body: s3Error('AccessDenied', 'not authorized: s3:GetBucketTagging'),
    }
    const {uuid, s3} = await provisionForAcme(broker, {
      region: 'us-east-1',
      s3Overrides: {GetBucketTagging: denied},
    })
    const heroku = nock(HEROKU_API).post(`/addons/${uuid}/actions/deprovision`).reply(200, {})

    await runProvision(broker, uuid)

    heroku.done()
    expect((await stateOf(broker, uuid)).state).to.equal('failed')
    const operations = s3.requests.map((call) => call.operation)
    expect(operations[0]).to.equal('CreateBucket')
    expect(operations).to.include('DeleteBucket')
    expect([...s3.buckets.values()].map((bucket) => bucket.exists)).to.deep.equal([false])
  })

  it('still tells Heroku, and records what was left, when the clean-up fails for good', async () => {
    const denied = {
      status: 403,
      body: queryError('AccessDenied', 'not authorized: iam:PutUserPolicy'),
    }
    const revoked = {
      status: 403,
      body: queryError('InvalidClientTokenId', 'The security token is invalid.'),
    }
    const {uuid} = await provisionForAcme(broker, {
      iamOverrides: {PutUserPolicy: () => denied, ListAccessKeys: () => revoked},
    })
    const heroku = nock(HEROKU_API).post(`/addons/${uuid}/actions/deprovision`).reply(200, {})

    await runProvision(broker, uuid, {retryCount: 0, retryLimit: 10})

    heroku.done()
    const {state, failureReason} = await stateOf(broker, uuid)
    expect(state).to.equal('blocked')
    expect(failureReason).to.match(/^AccessDenied: not authorized: iam:PutUserPolicy/)
    expect(failureReason).to.contain('Clean-up failed too (InvalidClientTokenId')
    expect(failureReason).to.contain(`IAM user byo-s3-${uuid}`)
  })

  it('retries telling Heroku about a failure when Heroku is briefly unavailable', async () => {
    const denied = {status: 403, body: queryError('AccessDenied', 'no')}
    const {uuid} = await provisionForAcme(broker, {iamOverrides: {PutUserPolicy: () => denied}})
    nock(HEROKU_API).post(`/addons/${uuid}/actions/deprovision`).reply(503, {id: 'unavailable'})

    const first = await runProvision(broker, uuid, {retryCount: 0, retryLimit: 10}).catch((e) => e)
    expect(first).to.be.an('error')
    expect((await stateOf(broker, uuid)).state).to.equal('provisioning')
    const heroku = nock(HEROKU_API).post(`/addons/${uuid}/actions/deprovision`).reply(200, {})
    await runProvision(broker, uuid, {retryCount: 1, retryLimit: 10})

    heroku.done()
    expect((await stateOf(broker, uuid)).state).to.equal('failed')
  })

  it('queues the job again when a repeated request finds it accepted but not queued', async () => {
    const {uuid, post} = await provisionForAcme(broker)
    const {pool} = broker.app.services
    await pool.query(`delete from pgboss.job where singleton_key = $1`, [uuid])

    const again = await post()

    expect(again.statusCode).to.equal(202)
    const {rows} = await pool.query(`select name, state from pgboss.job where singleton_key = $1`, [
      uuid,
    ])
    expect(rows).to.deep.equal([{name: 'provision', state: 'created'}])
  })
})
