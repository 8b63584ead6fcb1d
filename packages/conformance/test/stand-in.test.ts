import {randomUUID} from 'node:crypto'
import {expect} from 'chai'
import {type HerokuStandIn, startHerokuStandIn, VENDOR_ACCEPT} from '../src/heroku/stand-in.js'

describe('the Heroku stand-in', () => {
  let standIn: HerokuStandIn

  beforeEach(async () => {
    standIn = await startHerokuStandIn({clientSecret: 'client-secret'})
  })

  afterEach(() => standIn.close())

  const token = (form: Record<string, string>) =>
    fetch(`${standIn.url}/oauth/token`, {method: 'POST', body: new URLSearchParams(form)})
  const tokens = async (form: Record<string, string>) =>
    (await (await token(form)).json()) as {access_token: string; refresh_token: string}
  const platform = (path: string, bearer: string, init: RequestInit = {}) =>
    fetch(`${standIn.url}${path}`, {
      ...init,
      headers: {accept: VENDOR_ACCEPT, authorization: `Bearer ${bearer}`},
    })

  function expectAddon() {
    const id = randomUUID()
    const {code} = standIn.expectAddon({id, name: 'addon-1', plan: 'test', app: standIn.world.app})
    return {id, code}
  }

  it('exchanges a grant code once, and only with the client secret', async () => {
    const {code} = expectAddon()

    expect((await token({grant_type: 'authorization_code', code})).status).to.equal(401)
    const first = await token({
      grant_type: 'authorization_code',
      code,
      client_secret: 'client-secret',
    })
    const again = await token({
      grant_type: 'authorization_code',
      code,
      client_secret: 'client-secret',
    })

    expect(first.status).to.equal(200)
    expect(await first.json()).to.include({token_type: 'Bearer', expires_in: 120})
    expect(again.status).to.equal(401)
  })

  it("shows an add-on and its app's team to that add-on's token only", async () => {
    const {id, code} = expectAddon()
    const other = expectAddon()
    const form = {grant_type: 'authorization_code', client_secret: 'client-secret'}
    const mine = await tokens({...form, code})
    const theirs = await tokens({...form, code: other.code})

    const addon = await platform(`/addons/${id}`, mine.access_token)
    const {app} = (await addon.json()) as {app: {id: string}}
    const owner = (await (await platform(`/apps/${app.id}`, mine.access_token)).json()) as {
      team: unknown
    }

    expect(addon.status).to.equal(200)
    expect(owner.team).to.deep.equal({id: standIn.world.app.team!.id, name: 'conformance-team'})
    expect((await platform(`/addons/${id}`, theirs.access_token)).status).to.equal(404)
    expect((await platform(`/addons/${id}`, 'forged')).status).to.equal(401)
  })

  it("refuses a grant's token for config, and takes a refreshed one", async () => {
    const {id, code} = expectAddon()
    const form = {client_secret: 'client-secret'}
    const granted = await tokens({...form, grant_type: 'authorization_code', code})
    const patch = (bearer: string) =>
      platform(`/addons/${id}/config`, bearer, {
        method: 'PATCH',
        body: JSON.stringify({config: [{name: 'ADDON_URL', value: 'https://example.com'}]}),
      })

    expect((await patch(granted.access_token)).status).to.equal(401)
    const refreshed = await tokens({
      ...form,
      grant_type: 'refresh_token',
      refresh_token: granted.refresh_token,
    })
    expect((await patch(refreshed.access_token)).status).to.equal(200)
    expect(standIn.addon(id)!.config.get('ADDON_URL')).to.equal('https://example.com')
  })

  it('answers 503 to everything while down', async () => {
    const {code} = expectAddon()
    standIn.setDown(true)

    const form = {grant_type: 'authorization_code', code, client_secret: 'client-secret'}
    expect((await token(form)).status).to.equal(503)
    standIn.setDown(false)
    expect((await token(form)).status).to.equal(200)
  })
})
