import {expect} from 'chai'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {rotationRows, runRotation} from '../helpers/rotation.js'
import {linkAcme} from '../helpers/slice.js'
import {getDashboard, provisionedAddon, signIn} from '../helpers/sso.js'

describe('rotating credentials from the dashboard', () => {
  let broker: TestBroker

  before(async () => {
    broker = await startTestBroker()
    expect((await linkAcme(broker)).statusCode).to.equal(200)
  })

  after(() => broker.app.close())

  function rotate(
    cookie: string | undefined,
    form: Record<string, string>,
    url = '/dashboard/rotate',
  ) {
    return broker.app.inject({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(cookie ? {cookie} : {}),
      },
      payload: new URLSearchParams(form).toString(),
    })
  }

  async function csrfTokenOn(cookie: string): Promise<string> {
    const page = (await getDashboard(broker, cookie)).body
    return /name="csrf" value="([^"]+)"/.exec(page)![1]
  }

  it('starts a rotation, then shows the new key in use and the old one until it is deleted', async () => {
    const addon = await provisionedAddon(broker)
    const cookie = await signIn(broker, addon.uuid)
    const token = await csrfTokenOn(cookie)

    const response = await rotate(cookie, {csrf: token})

    expect(response.statusCode, response.body).to.equal(303)
    expect(response.headers.location).to.equal('/dashboard')
    const rotating = (await getDashboard(broker, cookie)).body
    expect(rotating).to.contain('rotating')
    expect(rotating).to.match(/<meta http-equiv="refresh" content="5"/)

    await runRotation(broker, addon.uuid)

    const newKey = addon.config.accessKeyId()!
    expect(newKey).not.to.equal(addon.accessKeyId)
    const page = (await getDashboard(broker, cookie)).body
    expect(page).to.contain('new key in use')
    expect(page).to.contain(`The app now uses <code>${newKey}</code>`)
    expect(page).to.contain(`previous key <code>${addon.accessKeyId}</code> keeps working`)
    expect(page).to.match(/<button type="submit"\s+disabled/)
    expect(page).not.to.match(/http-equiv="refresh"/)
    const secrets = [addon.secretAccessKey, addon.config.secretAccessKey()!]
    for (const secret of secrets) {
      expect(page).not.to.contain(secret)
      expect(broker.logLines.join('\n')).not.to.contain(secret)
    }
  })

  it('refuses a rotation without a CSRF token, or with a wrong one, and starts none', async () => {
    const addon = await provisionedAddon(broker)
    const cookie = await signIn(broker, addon.uuid)
    const token = await csrfTokenOn(cookie)

    const forms: Record<string, string>[] = [
      {},
      {csrf: ''},
      {csrf: token.slice(0, -1)},
      {csrf: `${token}x`},
    ]
    for (const form of forms) {
      const response = await rotate(cookie, form)
      expect(response.statusCode, JSON.stringify(form)).to.equal(403)
      expect(response.body).to.contain('Reload the dashboard')
    }
    expect(await rotationRows(broker, addon.uuid)).to.deep.equal([])
  })

  it('refuses the CSRF token of another session of the same add-on', async () => {
    const addon = await provisionedAddon(broker)
    const first = await signIn(broker, addon.uuid)
    const second = await signIn(broker, addon.uuid)

    const response = await rotate(second, {csrf: await csrfTokenOn(first)})

    expect(response.statusCode).to.equal(403)
    expect(await rotationRows(broker, addon.uuid)).to.deep.equal([])
  })

  it('refuses a rotation without a session', async () => {
    const addon = await provisionedAddon(broker)
    const token = await csrfTokenOn(await signIn(broker, addon.uuid))

    const response = await rotate(undefined, {csrf: token, addon_id: addon.uuid})

    expect(response.statusCode).to.equal(401)
    expect(await rotationRows(broker, addon.uuid)).to.deep.equal([])
  })

  it('rotates only the session’s own add-on, whatever add-on the form or address names', async () => {
    const mine = await provisionedAddon(broker, {appName: 'shop'})
    const other = await provisionedAddon(broker, {appName: 'ledger'})
    const cookie = await signIn(broker, mine.uuid)
    const form = {
      csrf: await csrfTokenOn(cookie),
      addon_id: other.uuid,
      resource_id: other.uuid,
    }

    const response = await rotate(cookie, form, `/dashboard/rotate?addon=${other.uuid}`)

    expect(response.statusCode).to.equal(303)
    expect(await rotationRows(broker, other.uuid)).to.deep.equal([])
    expect(await rotationRows(broker, mine.uuid)).to.have.length(1)
  })
})
