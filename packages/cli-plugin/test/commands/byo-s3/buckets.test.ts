import {expect} from 'chai'
import nock from 'nock'

import Buckets from '../../../src/commands/byo-s3/buckets.js'
import {BROKER, run, TOKEN} from '../../helpers/run.js'

const provisioned = {
  addonId: '3f1c9a2e-8b7d-4e6f-9a0b-1c2d3e4f5a6b',
  addonName: 'byo-s3-angular-71234',
  app: {id: '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', name: 'acme-shop'},
  bucket: 'byo-s3-shop-k3m9q2abcdef',
  region: 'eu-west-1',
  state: 'provisioned',
  createdAt: '2026-05-05T09:00:00Z',
  failureReason: null,
}

const failed = {
  addonId: '7d6c5b4a-3e2f-4a1b-9c8d-7e6f5a4b3c2d',
  addonName: null,
  app: {id: null, name: null},
  bucket: null,
  region: null,
  state: 'failed',
  createdAt: '2026-05-06T11:00:00Z',
  failureReason: 'AWS refused CreateBucket: AccessDenied.',
}

function rows(output: string): string[][] {
  return output
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}/))
}

describe('heroku byo-s3:buckets', function () {
  let scope: nock.Scope

  beforeEach(function () {
    scope = nock(BROKER)
  })

  afterEach(function () {
    scope.done()
  })

  it('lists each add-on with its app, bucket, region, state and creation time', async function () {
    scope
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .get('/admin/teams/acme/buckets')
      .reply(200, [provisioned])

    const {error, stderr, stdout} = await run(Buckets, ['--team', 'acme'])

    expect(error).to.equal(undefined)
    expect(stderr).to.equal('Listing the byo-s3 add-ons of team acme... done\n')
    const [header, rule, ...body] = rows(stdout)
    expect(header).to.deep.equal(['App', 'Add-on', 'Bucket', 'Region', 'State', 'Created'])
    expect(rule.join('')).to.match(/^(─+|-+)$/)
    expect(body).to.deep.equal([
      [
        'acme-shop',
        'byo-s3-angular-71234',
        'byo-s3-shop-k3m9q2abcdef',
        'eu-west-1',
        'provisioned',
        '2026-05-05T09:00:00Z',
      ],
    ])
  })

  it('names a failed add-on by its id and prints each failure reason after the table', async function () {
    const blocked = {
      ...provisioned,
      addonId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      addonName: 'byo-s3-rigid-24680',
      state: 'blocked',
      failureReason: 'The AWS key of team acme no longer works. An admin must run byo-s3:link.',
    }
    scope.get('/admin/teams/acme/buckets').reply(200, [failed, blocked, provisioned])

    const {error, stdout} = await run(Buckets, ['--team', 'acme'])

    expect(error).to.equal(undefined)
    expect(stdout).to.match(
      /\n\s*7d6c5b4a-3e2f-4a1b-9c8d-7e6f5a4b3c2d\s+failed\s+2026-05-06T11:00:00Z\s*\n/,
    )
    expect(stdout).to.match(
      /\n7d6c5b4a-3e2f-4a1b-9c8d-7e6f5a4b3c2d: AWS refused CreateBucket: AccessDenied\.\nbyo-s3-rigid-24680: The AWS key of team acme no longer works\. An admin must run byo-s3:link\.\n$/,
    )
  })

  it('prints no reasons when no add-on has failed', async function () {
    scope.get('/admin/teams/acme/buckets').reply(200, [provisioned])

    const {stdout} = await run(Buckets, ['--team', 'acme'])

    expect(stdout.trim().split('\n')).to.have.length(3)
  })

  it('prints the broker array as JSON with --json', async function () {
    scope.get('/admin/teams/acme/buckets').reply(200, [failed, provisioned])

    const {stdout} = await run(Buckets, ['--team', 'acme', '--json'])

    expect(JSON.parse(stdout)).to.deep.equal([failed, provisioned])
    expect(stdout).to.contain('\n  {\n    "addonId": "7d6c5b4a-3e2f-4a1b-9c8d-7e6f5a4b3c2d"')
  })

  it('says so when the team has no add-ons', async function () {
    scope.get('/admin/teams/acme/buckets').reply(200, [])

    const {stdout} = await run(Buckets, ['--team', 'acme'])

    expect(stdout).to.equal('Team acme has no byo-s3 add-ons.\n')
  })

  it('exits 4 with the broker sentence when the team is not linked', async function () {
    const message = 'Team acme is not linked to an AWS account.'
    scope.get('/admin/teams/acme/buckets').reply(404, {id: 'not_linked', message})

    const {error, stdout} = await run(Buckets, ['--team', 'acme'])

    expect(error?.message).to.equal(message)
    expect(error?.oclif?.exit).to.equal(4)
    expect(stdout).to.equal('')
  })

  it('exits 3 with the broker sentence when the token is refused', async function () {
    const message = 'Your Heroku token is invalid or expired. Run heroku login and try again.'
    scope.get('/admin/teams/acme/buckets').reply(401, {id: 'unauthorized', message})

    const {error, stdout} = await run(Buckets, ['--team', 'acme'])

    expect(error?.message).to.equal(message)
    expect(error?.oclif?.exit).to.equal(3)
    expect(stdout).to.equal('')
  })

  it('exits 6 when the broker cannot be reached', async function () {
    scope
      .get('/admin/teams/acme/buckets')
      .replyWithError(
        Object.assign(new Error('connect ECONNREFUSED 203.0.113.7:443'), {code: 'ECONNREFUSED'}),
      )

    const {error} = await run(Buckets, ['--team', 'acme'])

    expect(error?.message).to.equal(
      `Could not reach the byo-s3 broker at ${BROKER}: connect ECONNREFUSED 203.0.113.7:443. Check BYO_S3_BROKER_URL.`,
    )
    expect(error?.oclif?.exit).to.equal(6)
  })
})
