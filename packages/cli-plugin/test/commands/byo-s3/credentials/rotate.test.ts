import {expect} from 'chai'
import nock from 'nock'

import Rotate from '../../../../src/commands/byo-s3/credentials/rotate.js'
import {rotationPolling} from '../../../../src/lib/addon-credentials.js'
import {BROKER, run, TOKEN} from '../../../helpers/run.js'

const HEROKU = 'https://api.heroku.com'
const ADDON_ID = '01234567-89ab-4cde-8f01-23456789abcd'
const addon = {
  addon_service: {name: 'byo-s3'},
  app: {name: 'shop'},
  id: ADDON_ID,
  name: 'byo-s3-angular-71234',
}
const postgres = {...addon, addon_service: {name: 'heroku-postgresql'}, id: 'pg', name: 'pg-1'}
const sso = {
  action: 'https://broker.example.test/sso/login',
  method: 'post',
  params: {
    email: 'dev@acme.example',
    resource_id: ADDON_ID,
    resource_token: 'a'.repeat(40),
    timestamp: '1764770000',
    user_id: 'u1',
  },
}
const rotating = {
  accessKeyId: 'AKIAOLDKEY0000000001',
  addonId: ADDON_ID,
  failureReason: null,
  previousAccessKeyId: null,
  previousKeyDeletesAt: null,
  startedAt: '2026-12-03T10:00:00.000Z',
  state: 'rotating',
}
const rotated = {
  ...rotating,
  accessKeyId: 'AKIANEWKEY0000000002',
  previousAccessKeyId: 'AKIAOLDKEY0000000001',
  previousKeyDeletesAt: '2026-12-03T11:00:00.000Z',
  state: 'overlap',
}
const ssoHeader = Buffer.from(JSON.stringify(sso)).toString('base64')

function herokuFinds(addons = [postgres, addon]) {
  return nock(HEROKU)
    .matchHeader('authorization', `Bearer ${TOKEN}`)
    .get('/apps/shop/addons')
    .reply(200, addons)
}

function herokuSignsIn() {
  return nock(HEROKU, {reqheaders: {accept: 'application/vnd.heroku+json; version=3.sdk'}})
    .get(`/apps/shop/addons/${ADDON_ID}/sso`)
    .reply(200, sso)
}

/** The broker accepts only the add-on's SSO payload, and never a Heroku token. */
function brokerScope() {
  return nock(BROKER, {badheaders: ['authorization'], reqheaders: {'x-addon-sso': ssoHeader}})
}

const exitOf = (error: unknown) => (error as {oclif?: {exit?: number}})?.oclif?.exit

describe('heroku byo-s3:credentials:rotate', function () {
  const saved = {...rotationPolling}

  beforeEach(function () {
    Object.assign(rotationPolling, {intervalMs: 1, maxWaitMs: 5000})
  })

  afterEach(function () {
    Object.assign(rotationPolling, saved)
  })

  it('rotates with the add-on’s SSO payload, waits for the new key and names both keys', async function () {
    const heroku = herokuFinds()
    herokuSignsIn()
    const broker = brokerScope()
      .post(`/addons/${ADDON_ID}/credentials/rotate`)
      .reply(202, rotating)
      .get(`/addons/${ADDON_ID}/credentials`)
      .reply(200, rotating)
      .get(`/addons/${ADDON_ID}/credentials`)
      .reply(200, rotated)

    const {error, stderr, stdout} = await run(Rotate, ['-a', 'shop'])

    expect(error).to.equal(undefined)
    expect(stderr).to.equal('Rotating the credentials of byo-s3-angular-71234 on shop... done\n')
    expect(stdout).to.equal(
      'The app now uses access key AKIANEWKEY0000000002.\n' +
        'The old key AKIAOLDKEY0000000001 keeps working until 2026-12-03T11:00:00.000Z, then it is deleted.\n',
    )
    heroku.done()
    broker.done()
  })

  it('prints the broker’s answer as JSON with --json', async function () {
    herokuFinds()
    herokuSignsIn()
    brokerScope().post(`/addons/${ADDON_ID}/credentials/rotate`).reply(202, rotated)

    const {stdout} = await run(Rotate, ['-a', 'shop', '--json'])

    expect(JSON.parse(stdout)).to.deep.equal(rotated)
  })

  it('returns once the rotation started with --no-wait', async function () {
    herokuFinds()
    herokuSignsIn()
    brokerScope().post(`/addons/${ADDON_ID}/credentials/rotate`).reply(202, rotating)

    const {error, stderr, stdout} = await run(Rotate, ['-a', 'shop', '--no-wait'])

    expect(error).to.equal(undefined)
    expect(stderr).to.contain('... started')
    expect(stdout).to.contain('heroku addons:open byo-s3 -a shop')
  })

  it('waits for a rotation that was running already, saying so', async function () {
    herokuFinds()
    herokuSignsIn()
    brokerScope()
      .post(`/addons/${ADDON_ID}/credentials/rotate`)
      .reply(200, rotating)
      .get(`/addons/${ADDON_ID}/credentials`)
      .reply(200, rotated)

    const {error, stderr, stdout} = await run(Rotate, ['-a', 'shop'])

    expect(error).to.equal(undefined)
    expect(stderr).to.equal(
      'Rotating the credentials of byo-s3-angular-71234 on shop... ' +
        'a rotation started at 2026-12-03T10:00:00.000Z is running already\n' +
        'Waiting for it... done\n',
    )
    expect(stdout).to.contain('The app now uses access key AKIANEWKEY0000000002.')
  })

  it('refuses with exit 5 while the last rotation’s old key still works, saying until when', async function () {
    herokuFinds()
    herokuSignsIn()
    brokerScope().post(`/addons/${ADDON_ID}/credentials/rotate`).reply(200, rotated)

    const {error, stdout} = await run(Rotate, ['-a', 'shop'])

    expect(error?.message).to.equal(
      "The add-on's key was rotated at 2026-12-03T10:00:00.000Z; the old key AKIAOLDKEY0000000001 " +
        'is deleted at 2026-12-03T11:00:00.000Z, and the next rotation can start after that.',
    )
    expect(exitOf(error)).to.equal(5)
    expect(stdout).to.equal('')
  })

  it('takes the add-on by name when one is given', async function () {
    nock(HEROKU).get('/apps/shop/addons/byo-s3-angular-71234').reply(200, addon)
    herokuSignsIn()
    brokerScope().post(`/addons/${ADDON_ID}/credentials/rotate`).reply(202, rotated)

    const {error} = await run(Rotate, ['-a', 'shop', 'byo-s3-angular-71234'])

    expect(error).to.equal(undefined)
  })

  it('refuses an add-on of another service with exit 2', async function () {
    nock(HEROKU).get('/apps/shop/addons/pg-1').reply(200, postgres)

    const {error} = await run(Rotate, ['-a', 'shop', 'pg-1'])

    expect(error?.message).to.equal('pg-1 is a heroku-postgresql add-on, not a byo-s3 one.')
    expect(exitOf(error)).to.equal(2)
  })

  it('says how to create one when the app has no byo-s3 add-on, with exit 4', async function () {
    herokuFinds([postgres])

    const {error} = await run(Rotate, ['-a', 'shop'])

    expect(error?.message).to.equal(
      'App shop has no byo-s3 add-on. Create one with heroku addons:create byo-s3 -a shop.',
    )
    expect(exitOf(error)).to.equal(4)
  })

  it('asks which one when the app has several, with exit 2', async function () {
    herokuFinds([addon, {...addon, id: 'other', name: 'byo-s3-rigid-5'}])

    const {error} = await run(Rotate, ['-a', 'shop'])

    expect(error?.message).to.contain('App shop has 2 byo-s3 add-ons')
    expect(error?.message).to.contain(
      'heroku byo-s3:credentials:rotate -a shop byo-s3-angular-71234',
    )
    expect(exitOf(error)).to.equal(2)
  })

  it('exits 4 with Heroku’s sentence when the app does not exist', async function () {
    nock(HEROKU)
      .get('/apps/shop/addons')
      .reply(404, {id: 'not_found', message: 'Couldn’t find that app.'})

    const {error} = await run(Rotate, ['-a', 'shop'])

    expect(error?.message).to.equal('Heroku: Couldn’t find that app.')
    expect(exitOf(error)).to.equal(4)
  })

  // ENETUNREACH, as the HTTP client does not retry it; it retries ENOTFOUND for seconds first.
  it('exits 7 and asks to try again later when Heroku’s API cannot be reached', async function () {
    nock(HEROKU)
      .get('/apps/shop/addons')
      .replyWithError(
        Object.assign(new Error('connect ENETUNREACH 2001:db8::1:443'), {code: 'ENETUNREACH'}),
      )

    const {error} = await run(Rotate, ['-a', 'shop'])

    expect(error?.message).to.equal(
      "Could not reach Heroku's API: connect ENETUNREACH 2001:db8::1:443. Try again in a few minutes.",
    )
    expect(exitOf(error)).to.equal(7)
  })

  it('exits 7 with Heroku’s sentence when its API fails', async function () {
    herokuFinds()
    nock(HEROKU)
      .get(`/apps/shop/addons/${ADDON_ID}/sso`)
      .reply(503, {id: 'unavailable', message: 'Service Unavailable.'})

    const {error} = await run(Rotate, ['-a', 'shop'])

    expect(error?.message).to.equal(
      "Heroku's API failed (HTTP 503): Service Unavailable. Try again in a few minutes.",
    )
    expect(exitOf(error)).to.equal(7)
  })

  it('exits 3 with the broker’s sentence when it refuses the SSO payload', async function () {
    herokuFinds()
    herokuSignsIn()
    brokerScope().post(`/addons/${ADDON_ID}/credentials/rotate`).reply(403, {
      id: 'sso_refused',
      message:
        'This single sign-on link is not valid or has expired. Open the add-on again from Heroku.',
    })

    const {error, stdout} = await run(Rotate, ['-a', 'shop'])

    expect(error?.message).to.equal(
      'This single sign-on link is not valid or has expired. Open the add-on again from Heroku.',
    )
    expect(exitOf(error)).to.equal(3)
    expect(stdout).to.equal('')
  })

  it('exits 5 with the reason when the rotation fails, naming the key the app keeps', async function () {
    herokuFinds()
    herokuSignsIn()
    brokerScope()
      .post(`/addons/${ADDON_ID}/credentials/rotate`)
      .reply(202, rotating)
      .get(`/addons/${ADDON_ID}/credentials`)
      .reply(200, {
        ...rotating,
        failureReason: 'AccessDenied: iam:CreateAccessKey',
        state: 'failed',
      })

    const {error} = await run(Rotate, ['-a', 'shop'])

    expect(error?.message).to.equal(
      'Rotation failed: AccessDenied: iam:CreateAccessKey. The app keeps its key AKIAOLDKEY0000000001; ' +
        'try again, or ask a team admin to run heroku byo-s3:verify.',
    )
    expect(exitOf(error)).to.equal(5)
  })

  it('exits 6 when the broker cannot be reached', async function () {
    herokuFinds()
    herokuSignsIn()
    brokerScope()
      .post(`/addons/${ADDON_ID}/credentials/rotate`)
      .replyWithError({code: 'ECONNREFUSED', message: 'connect ECONNREFUSED'})

    const {error} = await run(Rotate, ['-a', 'shop'])

    expect(error?.message).to.match(
      /^Could not reach the byo-s3 broker at https:\/\/broker\.example\.test/,
    )
    expect(exitOf(error)).to.equal(6)
  })

  it('requires an app', async function () {
    const {error} = await run(Rotate, [])

    expect(error?.message).to.contain('Missing required flag app')
  })
})
