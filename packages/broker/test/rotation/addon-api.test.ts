import {randomUUID} from 'node:crypto'
import {expect} from 'chai'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {linkAcme, provisionForAcme} from '../helpers/slice.js'
import {addonSsoHeader, provisionedAddon, rotationRows} from '../helpers/rotation.js'

describe('the add-on API: credentials', () => {
  let broker: TestBroker

  before(async () => {
    broker = await startTestBroker()
    expect((await linkAcme(broker)).statusCode).to.equal(200)
  })

  after(() => broker.app.close())

  const rotate = (uuid: string, header?: string) =>
    broker.app.inject({
      method: 'POST',
      url: `/addons/${uuid}/credentials/rotate`,
      headers: header === undefined ? {} : {'x-addon-sso': header},
    })

  const credentials = (uuid: string, header?: string) =>
    broker.app.inject({
      method: 'GET',
      url: `/addons/${uuid}/credentials`,
      headers: header === undefined ? {} : {'x-addon-sso': header},
    })

  it('shows the key the app uses, for an add-on never rotated', async () => {
    const {uuid, config} = await provisionedAddon(broker)

    const reply = await credentials(uuid, addonSsoHeader(broker, uuid))

    expect(reply.statusCode).to.equal(200)
    expect(reply.json()).to.deep.equal({
      addonId: uuid,
      accessKeyId: config.accessKeyId(),
      state: 'idle',
      previousAccessKeyId: null,
      previousKeyDeletesAt: null,
      startedAt: null,
      finishedAt: null,
      failureReason: null,
    })
  })

  it('starts a rotation with a valid x-addon-sso header and answers 202', async () => {
    const {uuid, config} = await provisionedAddon(broker)

    const reply = await rotate(uuid, addonSsoHeader(broker, uuid))

    expect(reply.statusCode).to.equal(202)
    expect(reply.json()).to.include({
      addonId: uuid,
      accessKeyId: config.accessKeyId(),
      state: 'rotating',
    })
    expect(Date.parse(reply.json().startedAt)).to.be.closeTo(Date.now(), 60_000)
    const {rows} = await broker.app.services.pool.query(
      `select state from pgboss.job where name = 'rotate' and singleton_key = $1`,
      [uuid],
    )
    expect(rows).to.deep.equal([{state: 'created'}])
  })

  it('answers a second start with the rotation already running, with 200 instead of 202', async () => {
    const {uuid} = await provisionedAddon(broker)

    const first = await rotate(uuid, addonSsoHeader(broker, uuid))
    const second = await rotate(uuid, addonSsoHeader(broker, uuid))

    expect(first.statusCode).to.equal(202)
    expect(second.statusCode).to.equal(200)
    expect(second.json()).to.deep.equal(first.json())
    expect(await rotationRows(broker, uuid)).to.have.length(1)
  })

  it('refuses a request without the x-addon-sso header with 401', async () => {
    const {uuid} = await provisionedAddon(broker)

    const reply = await rotate(uuid)

    expect(reply.statusCode).to.equal(401)
    expect(reply.json().id).to.equal('sso_required')
    expect(await rotationRows(broker, uuid)).to.deep.equal([])
  })

  it('refuses a tampered token with 403', async () => {
    const {uuid} = await provisionedAddon(broker)
    const sso = JSON.parse(Buffer.from(addonSsoHeader(broker, uuid), 'base64').toString())
    const token: string = sso.params.resource_token
    sso.params.resource_token = (token[0] === 'a' ? 'b' : 'a') + token.slice(1)

    const reply = await rotate(uuid, Buffer.from(JSON.stringify(sso)).toString('base64'))

    expect(reply.statusCode).to.equal(403)
    expect(reply.json()).to.deep.equal({
      id: 'sso_refused',
      message:
        'This single sign-on link is not valid or has expired. Open the add-on again from Heroku.',
    })
    expect(await rotationRows(broker, uuid)).to.deep.equal([])
  })

  it('refuses a token signed with another salt with 403', async () => {
    const uuid = randomUUID()

    const reply = await rotate(
      uuid,
      addonSsoHeader(broker, uuid, {salt: 'another-salt-0123456789'}),
    )

    expect(reply.statusCode).to.equal(403)
  })

  it('refuses a token older than five minutes with 403', async () => {
    const uuid = randomUUID()

    const reply = await rotate(uuid, addonSsoHeader(broker, uuid, {secondsAgo: 5 * 60 + 5}))

    expect(reply.statusCode).to.equal(403)
    expect(reply.json().id).to.equal('sso_refused')
  })

  it('refuses a token from the future with 403', async () => {
    const uuid = randomUUID()

    const reply = await rotate(uuid, addonSsoHeader(broker, uuid, {secondsAgo: -5 * 60}))

    expect(reply.statusCode).to.equal(403)
    expect(reply.json().id).to.equal('sso_refused')
  })

  it("refuses another add-on's token with 403, for reading and for rotating", async () => {
    const {uuid} = await provisionedAddon(broker)
    const otherHeader = addonSsoHeader(broker, randomUUID())

    const rotated = await rotate(uuid, otherHeader)
    const read = await credentials(uuid, otherHeader)

    expect(rotated.statusCode).to.equal(403)
    expect(rotated.json().id).to.equal('sso_other_addon')
    expect(read.statusCode).to.equal(403)
    expect(await rotationRows(broker, uuid)).to.deep.equal([])
  })

  it('refuses a header that is not base64 JSON with 403', async () => {
    const uuid = randomUUID()

    for (const header of ['not base64 at all', Buffer.from('[1, 2]').toString('base64')]) {
      const reply = await rotate(uuid, header)
      expect(reply.statusCode, header).to.equal(403)
    }
  })

  it('refuses to rotate an add-on that is still being created, with 409', async () => {
    const {uuid} = await provisionForAcme(broker)

    const reply = await rotate(uuid, addonSsoHeader(broker, uuid))

    expect(reply.statusCode).to.equal(409)
    expect(reply.json().id).to.equal('not_provisioned')
    expect(reply.json().message).to.contain('still being created')
  })

  it("refuses to rotate when the team's AWS link is gone, with 409 and what to run", async () => {
    const {uuid} = await provisionedAddon(broker)
    const {pool} = broker.app.services
    const {rows} = await pool.query('select * from team_links')
    await pool.query('delete from team_links')

    try {
      const reply = await rotate(uuid, addonSsoHeader(broker, uuid))

      expect(reply.statusCode).to.equal(409)
      expect(reply.json().id).to.equal('team_not_linked')
      expect(reply.json().message).to.contain('heroku byo-s3:link --team acme')
      expect(await rotationRows(broker, uuid)).to.deep.equal([])
    } finally {
      const [link] = rows
      const columns = Object.keys(link)
      await pool.query(
        `insert into team_links (${columns.join(', ')})
         values (${columns.map((_, n) => `$${n + 1}`).join(', ')})`,
        Object.values(link),
      )
    }
  })

  it('answers 404 for an add-on byo-s3 does not know', async () => {
    const uuid = randomUUID()

    const reply = await rotate(uuid, addonSsoHeader(broker, uuid))

    expect(reply.statusCode).to.equal(404)
    expect(reply.json().id).to.equal('addon_not_found')
  })

  it('answers 404 when asked for the keys of a deprovisioned add-on', async () => {
    const {uuid} = await provisionedAddon(broker)
    await broker.app.services.pool.query(
      `update resources set state = 'deprovisioned' where id = $1`,
      [uuid],
    )

    const reply = await credentials(uuid, addonSsoHeader(broker, uuid))

    expect(reply.statusCode).to.equal(404)
    expect(reply.json().id).to.equal('addon_not_found')
  })
})
