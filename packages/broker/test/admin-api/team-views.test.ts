import {expect} from 'chai'
import nock from 'nock'
import {HEROKU_API, startTestBroker, type TestBroker} from '../helpers/app.js'
import {queryError} from '../helpers/aws-xml.js'
import {herokuKnowsUser, TEAM, USER_TOKEN} from '../helpers/heroku.js'
import {herokuAcceptsConfig, linkAcme, provisionForAcme, runProvision} from '../helpers/slice.js'

describe('Admin API: what a team has', () => {
  let broker: TestBroker
  const auth = {authorization: `Bearer ${USER_TOKEN}`}
  let working: string
  let failed: string

  before(async () => {
    broker = await startTestBroker()
    expect((await linkAcme(broker)).statusCode).to.equal(200)
    const first = await provisionForAcme(broker, {appName: 'shop', region: 'eu-west-1'})
    herokuAcceptsConfig(first.uuid)
    await runProvision(broker, first.uuid)
    working = first.uuid
    nock.cleanAll()

    const denied = {status: 403, body: queryError('AccessDenied', 'not authorized: iam:CreateUser')}
    const second = await provisionForAcme(broker, {
      appName: 'blog',
      iamOverrides: {CreateUser: () => denied},
    })
    nock(HEROKU_API).post(`/addons/${second.uuid}/actions/deprovision`).reply(200, {})
    await runProvision(broker, second.uuid)
    failed = second.uuid
  })

  after(() => broker.app.close())

  it('shows the link with its settings and the number of live add-ons, to any member', async () => {
    herokuKnowsUser('member')

    const response = await broker.app.inject({
      method: 'GET',
      url: '/admin/teams/acme/link',
      headers: auth,
    })

    expect(response.statusCode).to.equal(200)
    expect(response.json()).to.deep.include({
      team: TEAM,
      awsAccountId: '111122223333',
      accessKeyId: 'AKIA************MPLE',
      onDeprovision: 'delete',
      region: null,
      bucketPrefix: 'byo-s3',
      bucketCount: 1,
    })
    expect(response.json().verifiedAt).to.match(/^\d{4}-\d{2}-\d{2}T/)
  })

  it('lists every bucket of the team, newest first, with the reason a failed one failed', async () => {
    herokuKnowsUser('member')

    const response = await broker.app.inject({
      method: 'GET',
      url: '/admin/teams/acme/buckets',
      headers: auth,
    })

    expect(response.statusCode).to.equal(200)
    const buckets = response.json()
    expect(buckets.map((bucket: {addonId: string}) => bucket.addonId)).to.deep.equal([
      failed,
      working,
    ])
    expect(buckets[1]).to.deep.include({
      state: 'provisioned',
      region: 'eu-west-1',
      failureReason: null,
    })
    expect(buckets[1].app.name).to.equal('shop')
    expect(buckets[1].bucket).to.match(/^byo-s3-shop-/)
    expect(buckets[0].state).to.equal('failed')
    expect(buckets[0].failureReason).to.match(/^AccessDenied: not authorized: iam:CreateUser/)
    expect(response.body).not.to.contain('Sealed')
  })
})
