import {expect} from 'chai'
import nock from 'nock'

import Info from '../../../src/commands/byo-s3/info.js'
import {BROKER, run, TOKEN} from '../../helpers/run.js'

const link = {
  team: {id: '6a3c7d0e-6a0b-4b8e-9d52-1f5c8f0b2a11', name: 'acme'},
  awsAccountId: '111122223333',
  accessKeyId: 'AKIA************MPLE',
  linkedBy: 'ada@acme.example',
  linkedAt: '2026-05-04T10:00:00Z',
  onDeprovision: 'retain',
  region: 'eu-central-1',
  bucketPrefix: 'acme-data',
  allowPublic: true,
  allowAdopt: true,
  forbiddenOptions: ['bucket', 'kms-key-arn'],
  forcedOptions: {versioning: 'true', 'abort-multipart-days': '3'},
  bucketCount: 3,
  verifiedAt: '2026-05-06T08:30:00Z',
}

describe('heroku byo-s3:info', function () {
  let scope: nock.Scope

  beforeEach(function () {
    scope = nock(BROKER)
  })

  afterEach(function () {
    scope.done()
  })

  it('shows the account, masked key, settings, the policy for options, bucket count and who linked the team', async function () {
    scope
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .get('/admin/teams/acme/link')
      .reply(200, link)

    const {error, stderr, stdout} = await run(Info, ['--team', 'acme'])

    expect(error).to.equal(undefined)
    expect(stderr).to.equal('Reading the AWS link of team acme... done\n')
    expect(stdout).to.equal(
      [
        '=== AWS link of team acme',
        '',
        'Team:              acme',
        'AWS Account:       111122223333',
        'Kind:              access keys',
        'Access Key:        AKIA************MPLE',
        'Region:            eu-central-1',
        'Bucket Names:      acme-data-<app>-<random>',
        'On Deprovision:    retain',
        'Public Buckets:    allowed',
        'Adopt Buckets:     allowed',
        'Forbidden Options: bucket, kms-key-arn',
        'Forced Options:    versioning=true, abort-multipart-days=3',
        'Buckets:           3',
        'Linked By:         ada@acme.example',
        'Linked At:         2026-05-04T10:00:00Z',
        'Verified At:       2026-05-06T08:30:00Z',
        '',
      ].join('\n'),
    )
  })

  it('shows a role link’s role ARN instead of a key', async function () {
    const roleArn = 'arn:aws:iam::111122223333:role/byo-s3/byo-s3-acme'
    scope
      .get('/admin/teams/acme/link')
      .reply(200, {...link, kind: 'role', roleArn, accessKeyId: null})

    const {stdout} = await run(Info, ['--team', 'acme'])

    expect(stdout).to.contain(`Kind:              IAM role\nRole:              ${roleArn}\nRegion:`)
    expect(stdout).not.to.contain('Access Key')
    expect(stdout).not.to.contain('External')
  })

  it('shows the default policy for options as not allowed and none', async function () {
    const defaults = {
      ...link,
      allowPublic: false,
      allowAdopt: false,
      forbiddenOptions: [],
      forcedOptions: {},
    }
    scope.get('/admin/teams/acme/link').reply(200, defaults)

    const {stdout} = await run(Info, ['--team', 'acme'])

    expect(stdout).to.contain('Public Buckets:    not allowed\n')
    expect(stdout).to.contain('Adopt Buckets:     not allowed\n')
    expect(stdout).to.contain('Forbidden Options: none\n')
    expect(stdout).to.contain('Forced Options:    none\n')
  })

  it('shows when the drift check last ran and what it found', async function () {
    const checkedAt = '2026-05-06T09:00:00.000Z'
    scope
      .get('/admin/teams/acme/link')
      .reply(200, {...link, doctor: {checkedAt, problems: 2, error: null}})
      .get('/admin/teams/acme/link')
      .reply(200, {
        ...link,
        doctor: {checkedAt, problems: null, error: 'InvalidAccessKeyId: No such key.'},
      })
      .get('/admin/teams/acme/link')
      .reply(200, {...link, doctor: null})

    const lines = async () => (await run(Info, ['--team', 'acme'])).stdout.split('\n')

    expect(await lines()).to.include(
      `Drift Check:       ${checkedAt}, 2 problems: run heroku byo-s3:doctor to see them`,
    )
    expect(await lines()).to.include(
      `Drift Check:       ${checkedAt}, could not run: InvalidAccessKeyId: No such key.`,
    )
    expect(await lines()).to.include('Drift Check:       not run yet')
  })

  it('prints the broker object as JSON with --json', async function () {
    scope.get('/admin/teams/acme/link').reply(200, link)

    const {stdout} = await run(Info, ['--team', 'acme', '--json'])

    expect(JSON.parse(stdout)).to.deep.equal(link)
    expect(stdout).to.contain('\n  "awsAccountId": "111122223333",\n')
  })

  it('exits 4 with the broker sentence when the team is not linked', async function () {
    const message = 'Team acme is not linked to an AWS account.'
    scope.get('/admin/teams/acme/link').reply(404, {id: 'not_linked', message})

    const {error, stdout} = await run(Info, ['--team', 'acme'])

    expect(error?.message).to.equal(message)
    expect(error?.oclif?.exit).to.equal(4)
    expect(stdout).to.equal('')
  })

  it('exits 3 with the broker sentence when the token is refused', async function () {
    const message = 'Your Heroku token is invalid or expired. Run heroku login and try again.'
    scope.get('/admin/teams/acme/link').reply(401, {id: 'unauthorized', message})

    const {error, stdout} = await run(Info, ['--team', 'acme'])

    expect(error?.message).to.equal(message)
    expect(error?.oclif?.exit).to.equal(3)
    expect(stdout).to.equal('')
  })

  it('exits 6 when the broker cannot be reached', async function () {
    scope
      .get('/admin/teams/acme/link')
      .replyWithError(
        Object.assign(new Error('getaddrinfo ENOTFOUND broker.example.test'), {code: 'ENOTFOUND'}),
      )

    const {error} = await run(Info, ['--team', 'acme'])

    expect(error?.message).to.equal(
      `Could not reach the byo-s3 broker at ${BROKER}: getaddrinfo ENOTFOUND broker.example.test. Check BYO_S3_BROKER_URL.`,
    )
    expect(error?.oclif?.exit).to.equal(6)
  })
})
