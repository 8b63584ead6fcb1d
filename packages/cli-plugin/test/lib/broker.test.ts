import type {APIClient} from '@heroku-cli/command'

import {expect} from 'chai'
import {createServer} from 'node:net'
import nock from 'nock'

import {BrokerClient, connectBroker} from '../../src/lib/broker.js'
import {ByoS3Error} from '../../src/lib/errors.js'
import {allowRealConnections} from '../helpers/network.js'
import {BROKER, TOKEN} from '../helpers/run.js'

const link = {
  accessKeyId: 'AKIA************MPLE',
  awsAccountId: '123456789012',
  linkedAt: '2026-05-04T10:00:00Z',
  linkedBy: 'admin@acme.example',
  team: {id: '6a3c7d0e-6a0b-4b8e-9d52-1f5c8f0b2a11', name: 'acme'},
}

async function rejection(promise: Promise<unknown>): Promise<ByoS3Error> {
  const error = await promise.then(
    () => expect.fail('expected a rejection'),
    (error_: unknown) => error_,
  )
  expect(error).to.be.instanceOf(ByoS3Error)
  return error as ByoS3Error
}

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as {port: number}
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('BrokerClient', function () {
  const client = new BrokerClient(BROKER, TOKEN)

  it('reads the link of a team', async function () {
    const scope = nock(BROKER).get('/admin/teams/acme/link').reply(200, link)

    expect(await client.getLink('acme')).to.deep.equal(link)
    scope.done()
  })

  it('asks the broker to verify a link with a POST and no body', async function () {
    const result = {...link, arn: 'arn:aws:iam::123456789012:user/linker', missing: []}
    const scope = nock(BROKER)
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .post('/admin/teams/acme/verify', (body) => body === '' || body === undefined)
      .reply(200, result)

    expect(await client.verifyLink('acme')).to.deep.equal(result)
    scope.done()
  })

  it('turns a 404 into exit code 4 with the broker sentence and id', async function () {
    const scope = nock(BROKER)
      .get('/admin/teams/acme/link')
      .reply(404, {id: 'not_linked', message: 'Team acme is not linked to an AWS account.'})

    const error = await rejection(client.getLink('acme'))

    expect(error.message).to.equal('Team acme is not linked to an AWS account.')
    expect(error.id).to.equal('not_linked')
    expect(error.exitCode).to.equal(4)
    scope.done()
  })

  it('turns a 400 into a usage error', async function () {
    const scope = nock(BROKER).put('/admin/teams/acme/link').reply(400, {
      id: 'invalid_body',
      message: 'accessKeyId must look like AKIA followed by 16 characters.',
    })

    const error = await rejection(client.putLink('acme', {accessKeyId: 'x', secretAccessKey: 'y'}))

    expect(error.exitCode).to.equal(2)
    scope.done()
  })

  it('does not follow a redirect, so the token never travels to another host', async function () {
    const scope = nock(BROKER)
      .get('/admin/links')
      .reply(301, '', {location: 'https://elsewhere.example.test/admin/links'})

    const error = await rejection(client.listLinks())

    expect(error.message).to.equal(
      `The byo-s3 broker at ${BROKER} redirected the request (HTTP 301). Set BYO_S3_BROKER_URL to the broker's final address.`,
    )
    expect(error.exitCode).to.equal(1)
    scope.done()
  })

  it('rejects a success reply that is not JSON', async function () {
    const scope = nock(BROKER).get('/admin/links').reply(200, '<html>hello</html>')

    const error = await rejection(client.listLinks())

    expect(error.message).to.equal(
      `The byo-s3 broker at ${BROKER} sent a reply that is not JSON. Check BYO_S3_BROKER_URL.`,
    )
    scope.done()
  })

  it('gives up with exit code 6 when the broker does not answer in time', async function () {
    const scope = nock(BROKER).get('/admin/links').delay(500).reply(200, [])

    const error = await rejection(new BrokerClient(BROKER, TOKEN, 50).listLinks())

    expect(error.message).to.equal(
      `Could not reach the byo-s3 broker at ${BROKER}: no answer within 0.05 seconds. Check BYO_S3_BROKER_URL.`,
    )
    expect(error.exitCode).to.equal(6)
    scope.done()
  })

  it('reports a refused connection with exit code 6', async function () {
    const port = await closedPort()
    allowRealConnections('127.0.0.1')
    const local = new BrokerClient(`http://127.0.0.1:${port}`, TOKEN)

    const error = await rejection(local.listLinks())

    expect(error.message).to.equal(
      `Could not reach the byo-s3 broker at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}. Check BYO_S3_BROKER_URL.`,
    )
    expect(error.exitCode).to.equal(6)
  })
})

describe('connectBroker', function () {
  it('asks the user to log in when there is no Heroku token', async function () {
    const heroku = {getAuth: async () => undefined} as unknown as APIClient

    const error = await rejection(connectBroker(heroku))

    expect(error.message).to.equal(
      'You are not logged in to Heroku. Run heroku login, or set HEROKU_API_KEY, and try again.',
    )
    expect(error.exitCode).to.equal(3)
  })

  it('uses the broker URL from BYO_S3_BROKER_URL', async function () {
    const heroku = {getAuth: async () => TOKEN} as unknown as APIClient

    expect((await connectBroker(heroku)).baseUrl).to.equal(BROKER)
  })
})
