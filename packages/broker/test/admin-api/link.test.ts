import {expect} from 'chai'
import nock from 'nock'
import pg from 'pg'
import {HEROKU_API, startTestBroker, type TestBroker} from '../helpers/app.js'
import {ACCOUNT_ID, fakeQueryApi, LINKED_CREDENTIALS, STS_URL} from '../helpers/aws-fakes.js'
import {elements, queryError, queryResult, STS_NAMESPACE} from '../helpers/aws-xml.js'
import {herokuKnowsUser, TEAM, USER_TOKEN} from '../helpers/heroku.js'

function stsAccepts() {
  return fakeQueryApi(STS_URL, () => ({
    body: queryResult(
      'GetCallerIdentity',
      elements({
        UserId: 'AIDAEXAMPLE',
        Account: ACCOUNT_ID,
        Arn: `arn:aws:iam::${ACCOUNT_ID}:user/linker`,
      }),
      STS_NAMESPACE,
    ),
  }))
}

describe('Admin API: linking a team', () => {
  let broker: TestBroker

  beforeEach(async () => {
    broker = await startTestBroker()
  })

  afterEach(() => broker.app.close())

  const link = (body: object = LINKED_CREDENTIALS, token = USER_TOKEN) =>
    broker.app.inject({
      method: 'PUT',
      url: '/admin/teams/acme/link',
      headers: {authorization: `Bearer ${token}`},
      payload: body,
    })

  async function storedLinks() {
    const client = new pg.Client({connectionString: broker.databaseUrl})
    await client.connect()
    try {
      return (await client.query('select * from team_links')).rows
    } finally {
      await client.end()
    }
  }

  it('links an admin’s team after STS confirms the keys, storing the secret encrypted', async () => {
    const heroku = herokuKnowsUser('admin')
    const sts = stsAccepts()

    const response = await link()

    expect(response.statusCode).to.equal(200)
    expect(response.json()).to.deep.include({
      team: TEAM,
      awsAccountId: ACCOUNT_ID,
      accessKeyId: 'AKIA************MPLE',
      linkedBy: 'ada@acme.example',
      created: true,
    })
    expect(response.body).not.to.contain(LINKED_CREDENTIALS.secretAccessKey)
    expect(sts).to.have.length(1)
    const [row] = await storedLinks()
    expect(row.team_id).to.equal(TEAM.id)
    expect(row.secret_access_key_sealed).to.be.a('string').and.not.contain('wJalr')
    expect(broker.config.keyRing.unseal(row.secret_access_key_sealed)).to.equal(
      LINKED_CREDENTIALS.secretAccessKey,
    )
    heroku.done()
  })

  it('updates the link when run again', async () => {
    herokuKnowsUser('admin')
    stsAccepts()
    await link()
    herokuKnowsUser('admin')

    const response = await link({...LINKED_CREDENTIALS, accessKeyId: 'AKIAI44QH8DHBEXAMPLE'})

    expect(response.statusCode).to.equal(200)
    expect(response.json()).to.include({created: false, accessKeyId: 'AKIA************MPLE'})
    const rows = await storedLinks()
    expect(rows.map((row) => row.access_key_id)).to.deep.equal(['AKIAI44QH8DHBEXAMPLE'])
  })

  it('stores the settings sent with the keys, and keeps them when keys alone are sent again', async () => {
    herokuKnowsUser('admin')
    stsAccepts()
    const first = await link({
      ...LINKED_CREDENTIALS,
      region: 'eu-west-2',
      bucketPrefix: 'acme',
      allowAdopt: true,
    })
    herokuKnowsUser('admin')

    const again = await link()

    const settings = {region: 'eu-west-2', bucketPrefix: 'acme', allowAdopt: true}
    expect(first.json()).to.include({...settings, created: true})
    expect(again.json()).to.include({...settings, created: false})
  })

  it('refuses a bad setting before asking AWS anything, and stores nothing', async () => {
    herokuKnowsUser('admin')
    const sts = stsAccepts()

    const response = await link({...LINKED_CREDENTIALS, bucketPrefix: 'sthree'})

    expect(response.statusCode).to.equal(422)
    expect(response.json()).to.deep.equal({
      id: 'invalid_bucket_prefix',
      message:
        'The bucket prefix must not start with xn--, sthree-, amzn-s3-demo-, which S3 reserves.',
    })
    expect(sts).to.have.length(0)
    expect(await storedLinks()).to.deep.equal([])
  })

  it('refuses a member who is not an admin with 403 and a sentence', async () => {
    herokuKnowsUser('member')

    const response = await link()

    expect(response.statusCode).to.equal(403)
    expect(response.json()).to.deep.equal({
      id: 'not_team_admin',
      message:
        'Only admins of team acme can link it to AWS; your role is member. Ask a team admin to run this command.',
    })
    expect(await storedLinks()).to.be.empty
  })

  it('answers 404 for a team the user cannot see', async () => {
    nock(HEROKU_API)
      .get('/account')
      .reply(200, {id: TEAM.id, email: 'ada@acme.example'})
      .get('/teams/acme')
      .reply(404, {id: 'not_found', message: 'Couldn’t find that team.'})

    const response = await link()

    expect(response.statusCode).to.equal(404)
    expect(response.json().id).to.equal('team_not_found')
  })

  it('answers 401 to a token Heroku does not accept', async () => {
    nock(HEROKU_API)
      .get('/account')
      .reply(401, {id: 'unauthorized', message: 'Invalid credentials provided.'})

    const response = await link()

    expect(response.statusCode).to.equal(401)
    expect(response.json().message).to.contain('heroku login')
  })

  it('answers 401 without a token and never calls Heroku', async () => {
    const response = await broker.app.inject({
      method: 'PUT',
      url: '/admin/teams/acme/link',
      payload: LINKED_CREDENTIALS,
    })

    expect(response.statusCode).to.equal(401)
  })

  it('refuses keys that AWS rejects with a clear error and stores nothing', async () => {
    herokuKnowsUser('admin')
    fakeQueryApi(STS_URL, () => ({
      status: 403,
      body: queryError(
        'InvalidClientTokenId',
        'The security token included in the request is invalid.',
        STS_NAMESPACE,
      ),
    }))

    const response = await link()

    expect(response.statusCode).to.equal(422)
    expect(response.json().id).to.equal('invalid_aws_credentials')
    expect(response.json().message).to.contain('InvalidClientTokenId')
    expect(response.body).not.to.contain(LINKED_CREDENTIALS.secretAccessKey)
    expect(await storedLinks()).to.be.empty
  })

  it('refuses a body without a secret with 422', async () => {
    const response = await link({accessKeyId: LINKED_CREDENTIALS.accessKeyId})

    expect(response.statusCode).to.equal(422)
    expect(response.json().message).to.contain('secretAccessKey')
  })
})
