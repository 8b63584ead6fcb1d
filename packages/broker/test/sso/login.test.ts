import {randomUUID} from 'node:crypto'
import {expect} from 'chai'
import {SESSION_SECONDS} from '../../src/sso/session.js'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {fakeS3, s3BucketUrl} from '../helpers/aws-fakes.js'
import {listObjectsV2PageXml} from '../helpers/aws-xml.js'
import {deprovision, linkAcme, runDeprovision} from '../helpers/slice.js'
import {
  getDashboard,
  postSsoForm,
  provisionedAddon,
  sessionCookieOf,
  ssoForm,
} from '../helpers/sso.js'

describe('SSO login', () => {
  let broker: TestBroker
  let addonId: string
  let bucketName: string

  before(async () => {
    broker = await startTestBroker()
    expect((await linkAcme(broker)).statusCode).to.equal(200)
    ;({uuid: addonId, bucketName} = await provisionedAddon(broker))
  })

  after(() => broker.app.close())

  async function expectRefused(form: Record<string, string>, status: number) {
    const response = await postSsoForm(broker, form)
    expect(response.statusCode, response.body).to.equal(status)
    expect(response.headers['content-type']).to.match(/^text\/html/)
    expect(response.headers['set-cookie']).to.equal(undefined)
    return response
  }

  it('starts a session for the add-on and sends the browser to the dashboard', async () => {
    const response = await postSsoForm(broker, ssoForm(broker, addonId))

    expect(response.statusCode).to.equal(303)
    expect(response.headers.location).to.equal('/dashboard')
    expect(response.cookies).to.have.length(1)
    const [cookie] = response.cookies as Record<string, unknown>[]
    expect(cookie).to.include({
      name: 'byo-s3-session',
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
      maxAge: SESSION_SECONDS,
    })
    expect(cookie.secure, 'Secure in a local run').to.equal(undefined)
    expect(cookie.domain).to.equal(undefined)
    expect(SESSION_SECONDS).to.be.within(3600, 8 * 3600)
  })

  it('lets the browser that followed the redirect see the dashboard', async () => {
    const response = await postSsoForm(broker, ssoForm(broker, addonId))
    fakeS3(s3BucketUrl(bucketName, 'us-east-1'), () => ({
      body: listObjectsV2PageXml(bucketName, [{key: 'a', size: 1}]),
    }))

    const dashboard = await getDashboard(broker, sessionCookieOf(response))

    expect(dashboard.statusCode).to.equal(200)
    expect(dashboard.body).to.contain(bucketName)
    expect(dashboard.body).to.contain('<dd>1 byte</dd>')
  })

  it('refuses a forged token with 403 and a page that says nothing of what was wrong', async () => {
    const forged = {...ssoForm(broker, addonId), resource_token: 'f'.repeat(40)}

    const response = await expectRefused(forged, 403)

    expect(response.body).to.contain('not valid or has expired')
    expect(response.body).not.to.match(/timestamp|salt|token/i)
  })

  it('refuses a token signed with another salt', async () => {
    await expectRefused(ssoForm(broker, addonId, {salt: 'another-salt-0123456789ab'}), 403)
  })

  it('refuses a timestamp 6 minutes old', async () => {
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60
    await expectRefused(ssoForm(broker, addonId, {timestamp: sixMinutesAgo}), 403)
  })

  it('refuses a timestamp from the future', async () => {
    const inTwoMinutes = Math.floor(Date.now() / 1000) + 2 * 60
    await expectRefused(ssoForm(broker, addonId, {timestamp: inTwoMinutes}), 403)
  })

  it('refuses a form without a token', async () => {
    const {resource_token: _token, ...rest} = ssoForm(broker, addonId)
    await expectRefused(rest, 403)
  })

  it('refuses with 404 a validly signed add-on id that byo-s3 does not know', async () => {
    const response = await expectRefused(ssoForm(broker, randomUUID()), 404)
    expect(response.body).to.contain('no active add-on')
  })

  it('refuses with 404 a validly signed id that is not a uuid', async () => {
    await expectRefused(ssoForm(broker, 'byo-s3-angular-71234'), 404)
  })

  it('refuses a deprovisioned add-on', async () => {
    const {uuid} = await provisionedAddon(broker, {appName: 'gone'})
    expect((await deprovision(broker, uuid)).statusCode).to.equal(204)
    await expectRefused(ssoForm(broker, uuid), 404)

    await runDeprovision(broker, uuid)
    await expectRefused(ssoForm(broker, uuid), 404)
  })

  it('refuses an add-on whose provisioning failed', async () => {
    const {uuid} = await provisionedAddon(broker, {appName: 'broken'})
    await broker.app.services.pool.query(`update resources set state = 'failed' where id = $1`, [
      uuid,
    ])

    await expectRefused(ssoForm(broker, uuid), 404)
  })

  it('sends the security headers with a refusal too', async () => {
    const response = await expectRefused({}, 403)

    expect(response.headers['cache-control']).to.equal('no-store')
    expect(response.headers['x-frame-options']).to.equal('DENY')
  })
})

describe('SSO login outside a local run', () => {
  let broker: TestBroker

  before(async () => {
    broker = await startTestBroker({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
    })
    expect((await linkAcme(broker)).statusCode).to.equal(200)
  })

  after(() => broker.app.close())

  it('marks the session cookie Secure and host-only with the __Host- prefix', async () => {
    const {uuid} = await provisionedAddon(broker)

    const response = await postSsoForm(broker, ssoForm(broker, uuid))

    expect(response.statusCode).to.equal(303)
    const [cookie] = response.cookies as Record<string, unknown>[]
    expect(cookie).to.include({
      name: '__Host-byo-s3-session',
      secure: true,
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
    })
    expect(cookie.domain).to.equal(undefined)
    expect(sessionCookieOf(response)).to.match(/^__Host-byo-s3-session=/)
  })
})
