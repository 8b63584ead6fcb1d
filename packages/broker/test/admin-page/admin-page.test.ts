import {expect} from 'chai'
import nock from 'nock'
import pg from 'pg'
import {HEROKU_API, startTestBroker, type TestBroker} from '../helpers/app.js'
import {
  ADMIN_CLIENT,
  cookieHeader,
  csrfOf,
  herokuExchangesCode,
  herokuKnowsPageUser,
  signInToAdminPage,
} from '../helpers/admin-page.js'
import {ACCOUNT_ID, fakeQueryApi, LINKED_CREDENTIALS, STS_URL} from '../helpers/aws-fakes.js'
import {elements, queryResult, STS_NAMESPACE} from '../helpers/aws-xml.js'

const ADMIN_TOKEN = 'HRKU-admin-page-token-7a1c'
const MEMBER_TOKEN = 'HRKU-member-page-token-4b2d'

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

async function storedLinks(broker: TestBroker) {
  const client = new pg.Client({connectionString: broker.databaseUrl})
  await client.connect()
  try {
    return (await client.query('select * from team_links')).rows
  } finally {
    await client.end()
  }
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()

describe('the admin page', () => {
  let broker: TestBroker

  beforeEach(async () => {
    broker = await startTestBroker(ADMIN_CLIENT)
  })

  afterEach(() => broker.app.close())

  const get = (url: string, cookie?: string) =>
    broker.app.inject({method: 'GET', url, headers: cookie ? {cookie} : {}})
  const post = (url: string, cookie: string, fields: Record<string, string>) =>
    broker.app.inject({
      method: 'POST',
      url,
      headers: {cookie, 'content-type': 'application/x-www-form-urlencoded'},
      payload: form(fields),
    })

  it('sends the browser to Heroku’s authorize page with a state bound to a short-lived cookie', async () => {
    const response = await get('/admin/auth/start')

    expect(response.statusCode).to.equal(303)
    const location = new URL(response.headers.location as string)
    expect(`${location.origin}${location.pathname}`).to.equal(
      'https://id.heroku.test/oauth/authorize',
    )
    expect(location.searchParams.get('client_id')).to.equal(ADMIN_CLIENT.ADMIN_OAUTH_CLIENT_ID)
    expect(location.searchParams.get('response_type')).to.equal('code')
    expect(location.searchParams.get('scope')).to.equal('global')
    const state = location.searchParams.get('state')!
    expect(state).to.have.length.above(20)
    const [cookie] = response.cookies as Record<string, unknown>[]
    expect(cookie).to.include({name: 'byo-s3-admin-state', httpOnly: true, sameSite: 'Lax'})
    expect(cookie.maxAge).to.equal(600)
    expect(String(cookie.value)).not.to.equal(state)
  })

  it('refuses a callback with a missing or wrong state, and never exchanges its code', async () => {
    const start = await get('/admin/auth/start')
    const cookie = cookieHeader(start.cookies)
    const exchange = herokuExchangesCode('stolen-code', ADMIN_TOKEN)

    const missing = await get('/admin/auth/callback?code=stolen-code', cookie)
    const wrong = await get('/admin/auth/callback?code=stolen-code&state=forged-state', cookie)
    const state = new URL(start.headers.location as string).searchParams.get('state')!
    const otherBrowser = await get(`/admin/auth/callback?code=stolen-code&state=${state}`)

    for (const response of [missing, wrong, otherBrowser]) {
      expect(response.statusCode).to.equal(403)
      expect(response.body).to.contain('did not start in this browser')
      expect(response.cookies.some(({name}) => name === 'byo-s3-admin')).to.equal(false)
    }

    expect(exchange.isDone()).to.equal(false)
  })

  it('keeps the Heroku token only in an encrypted, HttpOnly, Lax cookie that lives an hour', async () => {
    herokuKnowsPageUser(ADMIN_TOKEN, 'admin')
    const start = await get('/admin/auth/start')
    const state = new URL(start.headers.location as string).searchParams.get('state')!
    herokuExchangesCode('the-code', ADMIN_TOKEN)

    const callback = await get(
      `/admin/auth/callback?code=the-code&state=${state}`,
      cookieHeader(start.cookies),
    )

    expect(callback.statusCode).to.equal(303)
    expect(callback.headers.location).to.equal('/admin')
    const session = (callback.cookies as Record<string, unknown>[]).find(
      ({name}) => name === 'byo-s3-admin',
    )!
    expect(session).to.include({httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 3600})
    expect(session.secure, 'not Secure in a local run').to.equal(undefined)
    expect(String(session.value)).not.to.contain(ADMIN_TOKEN)
    const page = await get('/admin', `byo-s3-admin=${String(session.value)}`)
    expect(page.statusCode).to.equal(200)
    expect(page.body).to.contain('ada@acme.example').and.contain('acme')
    expect(page.headers['content-security-policy']).to.contain("default-src 'none'")
    const log = broker.logLines.join('\n')
    expect(log).not.to.contain(ADMIN_TOKEN)
    expect(log, 'the one-time code stays out of the log').not.to.contain('the-code')
    expect(log).to.contain('/admin/auth/callback?code=[redacted]&state=[redacted]')
  })

  it('links an admin’s team with keys, shows it linked, and never renders or logs the secret', async () => {
    herokuKnowsPageUser(ADMIN_TOKEN, 'admin')
    const sts = stsAccepts()
    const cookie = await signInToAdminPage(broker, ADMIN_TOKEN)
    const before = await get('/admin/team/acme', cookie)
    expect(before.body).to.contain('not linked').and.contain('name="secretAccessKey"')

    const linked = await post('/admin/team/acme/link', cookie, {
      csrf: csrfOf(before.body),
      accessKeyId: LINKED_CREDENTIALS.accessKeyId,
      secretAccessKey: LINKED_CREDENTIALS.secretAccessKey,
      roleArn: '',
    })

    expect(linked.statusCode, linked.body).to.equal(303)
    expect(linked.headers.location).to.equal('/admin/team/acme')
    expect(sts).to.have.length(1)
    const [row] = await storedLinks(broker)
    expect(row.aws_account_id).to.equal(ACCOUNT_ID)
    expect(row.linked_by_email).to.equal('ada@acme.example')
    const after = await get('/admin/team/acme', cookie)
    const list = await get('/admin', cookie)
    expect(after.body).to.contain('linked (keys)').and.contain('AKIA************MPLE')
    expect(list.body).to.contain('linked (keys)').and.contain(ACCOUNT_ID)
    for (const text of [before.body, linked.body, after.body, list.body, ...broker.logLines]) {
      expect(text).not.to.contain(LINKED_CREDENTIALS.secretAccessKey)
      expect(text, text.slice(0, 600)).not.to.contain(ADMIN_TOKEN)
    }
  })

  it('refuses a member’s crafted link and unlink posts with 403, storing nothing', async () => {
    herokuKnowsPageUser(MEMBER_TOKEN, 'member')
    const sts = stsAccepts()
    const cookie = await signInToAdminPage(broker, MEMBER_TOKEN)
    const page = await get('/admin/team/acme', cookie)
    expect(page.body).not.to.contain('name="secretAccessKey"')
    const csrf = csrfOf(page.body)

    const link = await post('/admin/team/acme/link', cookie, {csrf, ...LINKED_CREDENTIALS})
    const unlink = await post('/admin/team/acme/unlink', cookie, {csrf})

    expect(link.statusCode).to.equal(403)
    expect(link.body).to.contain('Only admins of team acme can link it to AWS')
    expect(unlink.statusCode).to.equal(403)
    expect(sts).to.have.length(0)
    expect(await storedLinks(broker)).to.deep.equal([])
  })

  it('refuses a form post without or with a wrong CSRF token', async () => {
    herokuKnowsPageUser(ADMIN_TOKEN, 'admin')
    const sts = stsAccepts()
    const cookie = await signInToAdminPage(broker, ADMIN_TOKEN)
    const other = await signInToAdminPage(broker, ADMIN_TOKEN)
    const otherCsrf = csrfOf((await get('/admin', other)).body)

    const without = await post('/admin/team/acme/link', cookie, {...LINKED_CREDENTIALS})
    const wrong = await post('/admin/team/acme/link', cookie, {
      csrf: otherCsrf,
      ...LINKED_CREDENTIALS,
    })

    for (const response of [without, wrong]) {
      expect(response.statusCode).to.equal(403)
      expect(response.body).to.contain('did not come from the byo-s3 admin page')
    }

    expect(sts).to.have.length(0)
    expect(await storedLinks(broker)).to.deep.equal([])
  })

  it('explains a malformed access key id, and asks AWS nothing', async () => {
    herokuKnowsPageUser(ADMIN_TOKEN, 'admin')
    const sts = stsAccepts()
    const cookie = await signInToAdminPage(broker, ADMIN_TOKEN)
    const csrf = csrfOf((await get('/admin', cookie)).body)

    const response = await post('/admin/team/acme/link', cookie, {
      csrf,
      accessKeyId: 'not-a-key',
      secretAccessKey: LINKED_CREDENTIALS.secretAccessKey,
    })

    expect(response.statusCode).to.equal(422)
    expect(response.body).to.contain('An access key id is 16 to 128 capital letters and digits')
    expect(response.body).not.to.contain(LINKED_CREDENTIALS.secretAccessKey)
    expect(sts).to.have.length(0)
  })

  it('ends a session whose token Heroku no longer accepts, and offers to sign in again', async () => {
    const cookie = await signInToAdminPage(broker, ADMIN_TOKEN)
    nock(HEROKU_API).get('/account').reply(401, {id: 'unauthorized'})

    const page = await get('/admin', cookie)

    expect(page.statusCode).to.equal(200)
    expect(page.body).to.contain('href="/admin/auth/start"')
    const cleared = page.cookies.find(({name}) => name === 'byo-s3-admin')!
    expect(cleared.value).to.equal('')
  })

  it('offers to sign in without a session, and refuses team pages', async () => {
    const page = await get('/admin')
    const team = await get('/admin/team/acme')

    expect(page.statusCode).to.equal(200)
    expect(page.body).to.contain('href="/admin/auth/start"')
    expect(team.statusCode).to.equal(401)
    expect(team.body).to.contain('Go to /admin and sign in with Heroku')
  })
})

describe('the admin page without its OAuth client', () => {
  it('says it is not configured and how to configure it', async () => {
    const broker = await startTestBroker()
    try {
      const response = await broker.app.inject({method: 'GET', url: '/admin'})

      expect(response.statusCode).to.equal(503)
      expect(response.body).to.contain('heroku clients:create')
      expect(response.body).to.contain('ADMIN_OAUTH_CLIENT_ID')
    } finally {
      await broker.app.close()
    }
  })
})

describe('the admin page outside a local run', () => {
  it('marks its cookies Secure and host-only with the __Host- prefix', async () => {
    const broker = await startTestBroker({
      ...ADMIN_CLIENT,
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
    })
    try {
      const start = await broker.app.inject({method: 'GET', url: '/admin/auth/start'})
      const state = new URL(start.headers.location as string).searchParams.get('state')!
      herokuExchangesCode('the-code', ADMIN_TOKEN)
      const callback = await broker.app.inject({
        method: 'GET',
        url: `/admin/auth/callback?code=the-code&state=${state}`,
        headers: {cookie: cookieHeader(start.cookies)},
      })

      expect(callback.statusCode).to.equal(303)
      const cookies = [...start.cookies, ...callback.cookies] as Record<string, unknown>[]
      const named = (name: string) => cookies.find((cookie) => cookie.name === name)
      for (const name of ['__Host-byo-s3-admin-state', '__Host-byo-s3-admin']) {
        expect(named(name), name).to.include({secure: true, httpOnly: true, path: '/'})
        expect(named(name)!.domain).to.equal(undefined)
      }
    } finally {
      await broker.app.close()
      nock.cleanAll()
    }
  })
})
