import {expect} from 'chai'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {TEAM} from '../helpers/heroku.js'
import {
  deprovision,
  herokuAcceptsConfig,
  linkAcme,
  provisionForAcme,
  runProvision,
} from '../helpers/slice.js'

describe('log lines of requests', () => {
  let broker: TestBroker

  before(async () => {
    broker = await startTestBroker()
  })

  after(() => broker.app.close())

  function completed(method: string, url: string) {
    return broker.logLines
      .map((line) => JSON.parse(line))
      .filter((line) => line.msg === 'request completed')
      .find((line) => {
        const incoming = broker.logLines
          .map((other) => JSON.parse(other))
          .find((other) => other.reqId === line.reqId && other.msg === 'incoming request')
        return incoming?.req.method === method && incoming.req.url === url
      })
  }

  it('carry the team on an admin API request', async () => {
    expect((await linkAcme(broker)).statusCode).to.equal(200)

    expect(completed('PUT', '/admin/teams/acme/link')).to.include({teamId: TEAM.id})
  })

  it('carry the add-on and its team on a Partner API request about one add-on', async () => {
    const {uuid} = await provisionForAcme(broker)
    herokuAcceptsConfig(uuid)
    await runProvision(broker, uuid)

    expect((await deprovision(broker, uuid)).statusCode).to.equal(204)

    expect(completed('DELETE', `/heroku/resources/${uuid}`)).to.include({
      addonId: uuid,
      teamId: TEAM.id,
    })
  })

  it('bind each key once', () => {
    const line = broker.logLines.find(
      (l) => l.includes('"request completed"') && l.includes('addonId'),
    )

    expect(line!.match(/"addonId"/g)).to.have.length(1)
    expect(line!.match(/"teamId"/g)).to.have.length(1)
  })
})
