import {expect} from 'chai'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {LINKED_CREDENTIALS} from '../helpers/aws-fakes.js'
import {grantReply} from '../helpers/heroku.js'
import {linkAcme} from '../helpers/slice.js'
import {addonSsoHeader, provisionedAddon} from '../helpers/rotation.js'
import type {RotationView} from '../../src/rotation/rotation.js'

/** Asks the add-on API for the rotation's state until `done` holds, for up to 20 s. */
async function waitFor(
  read: () => Promise<RotationView>,
  done: (view: RotationView) => boolean,
): Promise<RotationView> {
  for (let tries = 0; tries < 80; tries++) {
    const view = await read()
    if (done(view)) return view
    await new Promise((resolve) => setTimeout(resolve, 250))
  }

  throw new Error('the rotation did not get there in time')
}

describe('rotation with the job workers running', () => {
  let broker: TestBroker

  before(async () => {
    // An overlap of 1.5 s stands in for the hour a real one lasts.
    broker = await startTestBroker(
      {ROTATION_OVERLAP_MINUTES: '0.025', LOG_LEVEL: 'trace'},
      {workers: true},
    )
    expect((await linkAcme(broker)).statusCode).to.equal(200)
  })

  after(() => broker.app.close())

  it('keeps the old key working until the overlap ends, then deletes it, never logging a secret', async () => {
    const {uuid, config, keys} = await provisionedAddon(broker)
    const oldKey = config.accessKeyId()!
    const oldSecret = config.secretAccessKey()!
    const headers: string[] = []
    const replies: string[] = []
    const call = async (method: 'GET' | 'POST', path: string) => {
      const header = addonSsoHeader(broker, uuid)
      headers.push(header)
      const reply = await broker.app.inject({
        method,
        url: `/addons/${uuid}/credentials${path}`,
        headers: {'x-addon-sso': header},
      })
      replies.push(reply.body)
      return reply
    }
    const read = async () => (await call('GET', '')).json() as RotationView

    const started = await call('POST', '/rotate')
    expect(started.statusCode).to.equal(202)
    const overlap = await waitFor(read, (view) => view.state === 'overlap')

    const newKey = config.accessKeyId()!
    expect(overlap).to.include({accessKeyId: newKey, previousAccessKeyId: oldKey})
    expect(keys(), 'both keys work during the overlap').to.have.members([oldKey, newKey])

    const done = await waitFor(read, (view) => view.state === 'idle')

    expect(done).to.include({accessKeyId: newKey, previousAccessKeyId: null})
    expect(keys()).to.deep.equal([newKey])
    expect(Date.parse(done.finishedAt!)).to.be.at.least(Date.parse(overlap.previousKeyDeletesAt!))

    const secrets = {
      'old app secret': oldSecret,
      'new app secret': config.secretAccessKey()!,
      'linked AWS secret': LINKED_CREDENTIALS.secretAccessKey,
      'OAuth access token': grantReply.access_token,
      'OAuth refresh token': grantReply.refresh_token,
      ...Object.fromEntries(headers.map((header, n) => [`x-addon-sso header ${n}`, header])),
      ...Object.fromEntries(
        headers.map((header, n) => [
          `SSO token ${n}`,
          JSON.parse(Buffer.from(header, 'base64').toString()).params.resource_token,
        ]),
      ),
    }
    const logs = broker.logLines.join('\n')
    expect(logs).to.contain('access key rotated')
    for (const [what, secret] of Object.entries(secrets)) {
      expect(secret, what).to.be.a('string').with.length.greaterThan(5)
      expect(logs.includes(secret), `${what} appears in the logs`).to.equal(false)
      for (const reply of replies) {
        expect(reply.includes(secret), `${what} appears in a reply`).to.equal(false)
      }
    }
  })
})
