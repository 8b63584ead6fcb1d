import {expect} from 'chai'
import {startTestBroker, type TestBroker} from '../helpers/app.js'
import {herokuAcceptsConfig, linkAcme, provisionForAcme, stateOf} from '../helpers/slice.js'

describe('provisioning under Heroku’s at-least-once delivery', () => {
  let broker: TestBroker

  before(async () => {
    broker = await startTestBroker({}, {workers: true})
    expect((await linkAcme(broker)).statusCode).to.equal(200)
  })

  after(() => broker.app.close())

  it('turns ten concurrent POSTs of one uuid into one bucket, one user and one key', async function () {
    this.timeout(60_000)
    const {uuid, post, oauth, s3, iam} = await provisionForAcme(broker, {postNow: false})
    const heroku = herokuAcceptsConfig(uuid)

    const replies = await Promise.all(Array.from({length: 10}, () => post()))
    await waitFor(async () => (await stateOf(broker, uuid)).state === 'provisioned')

    for (const reply of replies) {
      expect(reply.statusCode).to.equal(202)
      expect(reply.json()).to.deep.equal(replies[0].json())
    }
    oauth.done()
    heroku.scope.done()
    expect(s3.requests.filter((call) => call.operation === 'CreateBucket')).to.have.length(1)
    expect(iam.filter((call) => call.Action === 'CreateUser')).to.have.length(1)
    expect(iam.filter((call) => call.Action === 'CreateAccessKey')).to.have.length(1)
    expect(s3.buckets.size).to.equal(1)
  })

  it('runs the job through the queue: a worker in this process picks it up', async function () {
    this.timeout(60_000)
    const {uuid, response} = await provisionForAcme(broker, {region: 'eu-west-1'})
    const heroku = herokuAcceptsConfig(uuid)

    await waitFor(async () => (await stateOf(broker, uuid)).state === 'provisioned')

    expect(response.statusCode).to.equal(202)
    heroku.scope.done()
  })
})

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await condition()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }

  throw new Error(`condition not met within ${timeoutMs} ms`)
}
