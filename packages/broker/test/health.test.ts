import {expect} from 'chai'
import {startTestBroker, type TestBroker} from './helpers/app.js'
import {dropTestDatabase} from './helpers/postgres.js'

describe('GET /healthz', () => {
  let broker: TestBroker

  before(async () => {
    broker = await startTestBroker()
  })

  after(() => broker.app.close())

  it('reports a reachable database', async () => {
    const response = await broker.app.inject({method: 'GET', url: '/healthz'})

    expect(response.statusCode).to.equal(200)
    expect(response.json()).to.include({status: 'ok'})
    expect(response.json().database.ok).to.equal(true)
  })

  it('answers 503 once the database is gone', async () => {
    const {app, databaseUrl} = broker
    await dropTestDatabase(databaseUrl)
    const response = await app.inject({method: 'GET', url: '/healthz'})

    expect(response.statusCode).to.equal(503)
    expect(response.json()).to.deep.equal({status: 'unavailable', database: {ok: false}})
  })
})
