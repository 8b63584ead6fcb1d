import {expect} from 'chai'
import nock from 'nock'
import {HEROKU_API, startTestBroker, type TestBroker} from '../helpers/app.js'
import {ACCOUNT_ID, fakeQueryApi, LINKED_CREDENTIALS, STS_URL} from '../helpers/aws-fakes.js'
import {elements, queryResult, STS_NAMESPACE} from '../helpers/aws-xml.js'
import {ACCOUNT, herokuKnowsUser, TEAM, USER_TOKEN} from '../helpers/heroku.js'

describe('Admin API: reading and removing links', () => {
  let broker: TestBroker
  const auth = {authorization: `Bearer ${USER_TOKEN}`}

  beforeEach(async () => {
    broker = await startTestBroker()
    herokuKnowsUser('admin')
    fakeQueryApi(STS_URL, () => ({
      body: queryResult(
        'GetCallerIdentity',
        elements({Account: ACCOUNT_ID, Arn: 'arn:aws:iam::1:user/x', UserId: 'AIDA'}),
        STS_NAMESPACE,
      ),
    }))
    const linked = await broker.app.inject({
      method: 'PUT',
      url: '/admin/teams/acme/link',
      headers: auth,
      payload: LINKED_CREDENTIALS,
    })
    expect(linked.statusCode).to.equal(200)
  })

  afterEach(() => broker.app.close())

  it('lists the caller’s teams with their role and whether each is linked', async () => {
    const other = {id: '0b6b2c1e-7d3f-4e2a-9c1b-2a3b4c5d6e7f', name: 'globex'}
    nock(HEROKU_API)
      .get('/account')
      .reply(200, ACCOUNT)
      .get('/teams')
      .reply(200, [
        {...TEAM, role: 'admin'},
        {...other, role: 'member'},
      ])

    const response = await broker.app.inject({method: 'GET', url: '/admin/links', headers: auth})

    expect(response.statusCode).to.equal(200)
    expect(response.json()).to.deep.equal([
      {team: TEAM, role: 'admin', linked: true, kind: 'keys', awsAccountId: ACCOUNT_ID},
      {team: other, role: 'member', linked: false, kind: null, awsAccountId: null},
    ])
  })

  it('shows a team’s link to a member, with the key id masked', async () => {
    herokuKnowsUser('member')

    const response = await broker.app.inject({
      method: 'GET',
      url: '/admin/teams/acme/link',
      headers: auth,
    })

    expect(response.statusCode).to.equal(200)
    expect(response.json()).to.include({
      awsAccountId: ACCOUNT_ID,
      kind: 'keys',
      accessKeyId: 'AKIA************MPLE',
      roleArn: null,
    })
    expect(response.json()).not.to.have.property('secretAccessKeySealed')
  })

  it('unlinks for an admin, then answers 404 for the missing link', async () => {
    herokuKnowsUser('admin')
    const removed = await broker.app.inject({
      method: 'DELETE',
      url: '/admin/teams/acme/link',
      headers: auth,
    })
    herokuKnowsUser('admin')
    const again = await broker.app.inject({
      method: 'DELETE',
      url: '/admin/teams/acme/link',
      headers: auth,
    })

    expect(removed.statusCode).to.equal(204)
    expect(again.statusCode).to.equal(404)
    expect(again.json().message).to.contain('heroku byo-s3:link --team acme')
  })

  it('changes a setting for an admin without asking for the keys again', async () => {
    herokuKnowsUser('admin')
    const {rows: before} = await broker.app.services.pool.query('select * from team_links')

    const response = await broker.app.inject({
      method: 'PATCH',
      url: '/admin/teams/acme/link',
      headers: auth,
      payload: {onDeprovision: 'retain'},
    })

    expect(response.statusCode).to.equal(200)
    expect(response.json()).to.include({onDeprovision: 'retain', awsAccountId: ACCOUNT_ID})
    const {rows: after} = await broker.app.services.pool.query('select * from team_links')
    expect(after[0].on_deprovision).to.equal('retain')
    expect(after[0].secret_access_key_sealed).to.equal(before[0].secret_access_key_sealed)
    expect(after[0].updated_at).to.deep.equal(before[0].updated_at)
  })

  it('refuses a setting change from a member, and an unknown value', async () => {
    herokuKnowsUser('member')
    const member = await broker.app.inject({
      method: 'PATCH',
      url: '/admin/teams/acme/link',
      headers: auth,
      payload: {onDeprovision: 'retain'},
    })
    const unknown = await broker.app.inject({
      method: 'PATCH',
      url: '/admin/teams/acme/link',
      headers: auth,
      payload: {onDeprovision: 'archive'},
    })

    expect(member.statusCode).to.equal(403)
    expect(unknown.statusCode).to.equal(422)
  })

  it('sets and clears the default region and sets the bucket prefix, one at a time', async () => {
    const patch = (payload: object) => {
      herokuKnowsUser('admin')
      return broker.app.inject({
        method: 'PATCH',
        url: '/admin/teams/acme/link',
        headers: auth,
        payload,
      })
    }

    const region = await patch({region: 'eu-central-1'})
    const prefix = await patch({bucketPrefix: 'acme-data'})
    const cleared = await patch({region: null})

    expect(region.json()).to.include({region: 'eu-central-1', bucketPrefix: 'byo-s3'})
    expect(prefix.json()).to.include({region: 'eu-central-1', bucketPrefix: 'acme-data'})
    expect(cleared.json()).to.include({region: null, bucketPrefix: 'acme-data'})
    const {rows} = await broker.app.services.pool.query('select * from team_links')
    expect(rows[0]).to.include({default_region: null, bucket_prefix: 'acme-data'})
  })

  it('refuses a region or a bucket prefix it cannot use, saying what it accepts', async () => {
    const patch = (payload: object) => {
      herokuKnowsUser('admin')
      return broker.app.inject({
        method: 'PATCH',
        url: '/admin/teams/acme/link',
        headers: auth,
        payload,
      })
    }
    const {rows: before} = await broker.app.services.pool.query('select * from team_links')

    const region = await patch({region: 'mars-north-1'})
    const prefix = await patch({bucketPrefix: 'Acme_Data'})
    const empty = await patch({})

    expect(region.statusCode).to.equal(422)
    expect(region.json().message).to.contain('"mars-north-1"').and.contain('eu-west-1')
    expect(prefix.statusCode).to.equal(422)
    expect(prefix.json().message).to.match(/^The bucket prefix may hold only lower-case letters/)
    expect(empty.statusCode).to.equal(422)
    const {rows: after} = await broker.app.services.pool.query('select * from team_links')
    expect(after).to.deep.equal(before)
  })

  it('refuses to unlink for a member', async () => {
    herokuKnowsUser('member')

    const response = await broker.app.inject({
      method: 'DELETE',
      url: '/admin/teams/acme/link',
      headers: auth,
    })

    expect(response.statusCode).to.equal(403)
  })
})
