import {expect} from 'chai'
import nock from 'nock'

import Verify from '../../../src/commands/byo-s3/verify.js'
import {BROKER, run, TOKEN} from '../../helpers/run.js'

const allowed = {
  team: {id: '6a3c7d0e-6a0b-4b8e-9d52-1f5c8f0b2a11', name: 'acme'},
  awsAccountId: '111122223333',
  arn: 'arn:aws:iam::111122223333:user/linker',
  checkedAt: '2026-05-06T08:30:00Z',
  permissionsChecked: true,
  reason: null,
  permissions: [
    {action: 's3:CreateBucket', resource: 'arn:aws:s3:::byo-s3-*', allowed: true},
    {action: 's3:PutBucketPolicy', resource: 'arn:aws:s3:::byo-s3-*', allowed: true},
    {action: 'iam:CreateUser', resource: 'arn:aws:iam::111122223333:user/byo-s3-*', allowed: true},
  ],
  missing: [],
}

const missing = {
  ...allowed,
  permissions: [
    {action: 's3:CreateBucket', resource: 'arn:aws:s3:::byo-s3-*', allowed: true},
    {action: 's3:PutBucketPolicy', resource: 'arn:aws:s3:::byo-s3-*', allowed: false},
    {action: 'iam:CreateUser', resource: 'arn:aws:iam::111122223333:user/byo-s3-*', allowed: false},
  ],
  missing: ['s3:PutBucketPolicy', 'iam:CreateUser'],
}

const notChecked = {
  ...allowed,
  permissionsChecked: false,
  reason:
    'AccessDenied: User: arn:aws:iam::111122223333:user/linker is not authorized to perform: iam:SimulatePrincipalPolicy',
  permissions: [],
  missing: [],
}

describe('heroku byo-s3:verify', function () {
  let scope: nock.Scope

  beforeEach(function () {
    scope = nock(BROKER)
  })

  afterEach(function () {
    scope.done()
  })

  it('says which role was assumed, and where to add what it lacks', async function () {
    const roleArn = 'arn:aws:iam::111122223333:role/byo-s3/byo-s3-acme'
    const session = 'arn:aws:sts::111122223333:assumed-role/byo-s3-acme/byo-s3-6a3c7d0e'
    scope
      .post('/admin/teams/acme/verify')
      .reply(200, {...missing, kind: 'role', roleArn, arn: session})

    const {error, stdout} = await run(Verify, ['--team', 'acme'])

    expect(stdout.split('\n')[0]).to.equal(
      `Role ${roleArn} assumed: ${session} in AWS account 111122223333.`,
    )
    expect(error?.message).to.equal(
      "Add to the role's permissions policy (heroku byo-s3:link --print-role-setup prints it): s3:PutBucketPolicy, iam:CreateUser",
    )
  })

  it('says the keys work and ticks each permission when all are allowed', async function () {
    scope
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .post('/admin/teams/acme/verify')
      .reply(200, allowed)

    const {error, stderr, stdout} = await run(Verify, ['--team', 'acme'])

    expect(error).to.equal(undefined)
    expect(stderr).to.equal('Checking the AWS link of team acme... done\n')
    expect(stdout).to.equal(
      [
        'Keys work: arn:aws:iam::111122223333:user/linker in AWS account 111122223333.',
        '✓ s3:CreateBucket on arn:aws:s3:::byo-s3-*',
        '✓ s3:PutBucketPolicy on arn:aws:s3:::byo-s3-*',
        '✓ iam:CreateUser on arn:aws:iam::111122223333:user/byo-s3-*',
        '',
      ].join('\n'),
    )
  })

  it('crosses each missing permission and exits 5 naming what to add to the policy', async function () {
    scope.post('/admin/teams/acme/verify').reply(200, missing)

    const {error, stdout} = await run(Verify, ['--team', 'acme'])

    expect(stdout).to.equal(
      [
        'Keys work: arn:aws:iam::111122223333:user/linker in AWS account 111122223333.',
        '✓ s3:CreateBucket on arn:aws:s3:::byo-s3-*',
        '✗ s3:PutBucketPolicy on arn:aws:s3:::byo-s3-*',
        '✗ iam:CreateUser on arn:aws:iam::111122223333:user/byo-s3-*',
        '',
      ].join('\n'),
    )
    expect(error?.message).to.equal(
      "Add to the linked identity's policy: s3:PutBucketPolicy, iam:CreateUser",
    )
    expect(error?.oclif?.exit).to.equal(5)
  })

  it('gives the reason and exits 0 when the broker could not check the permissions', async function () {
    scope.post('/admin/teams/acme/verify').reply(200, notChecked)

    const {error, stdout} = await run(Verify, ['--team', 'acme'])

    expect(error).to.equal(undefined)
    expect(stdout).to.equal(
      [
        'Keys work: arn:aws:iam::111122223333:user/linker in AWS account 111122223333.',
        `Could not check permissions: ${notChecked.reason}. Grant iam:SimulatePrincipalPolicy on the linked identity to let byo-s3 check them.`,
        '',
      ].join('\n'),
    )
  })

  it('prints the broker object as JSON with --json and exits 0 even with missing permissions', async function () {
    scope.post('/admin/teams/acme/verify').reply(200, missing)

    const {error, stdout} = await run(Verify, ['--team', 'acme', '--json'])

    expect(error).to.equal(undefined)
    expect(JSON.parse(stdout)).to.deep.equal(missing)
    expect(stdout).to.contain(
      '\n  "missing": [\n    "s3:PutBucketPolicy",\n    "iam:CreateUser"\n  ]',
    )
  })

  it('exits 4 with the broker sentence when the team is not linked', async function () {
    const message = 'Team acme is not linked to an AWS account.'
    scope.post('/admin/teams/acme/verify').reply(404, {id: 'not_linked', message})

    const {error, stdout} = await run(Verify, ['--team', 'acme'])

    expect(error?.message).to.equal(message)
    expect(error?.oclif?.exit).to.equal(4)
    expect(stdout).to.equal('')
  })

  it('exits 5 with the broker sentence when the keys no longer work', async function () {
    const message =
      'AWS rejected the keys of team acme: InvalidClientTokenId. Run heroku byo-s3:link with new keys.'
    scope.post('/admin/teams/acme/verify').reply(422, {id: 'invalid_aws_credentials', message})

    const {error, stdout} = await run(Verify, ['--team', 'acme'])

    expect(error?.message).to.equal(message)
    expect(error?.oclif?.exit).to.equal(5)
    expect(stdout).to.equal('')
  })

  it('exits 6 when the broker cannot be reached', async function () {
    scope
      .post('/admin/teams/acme/verify')
      .replyWithError(
        Object.assign(new Error('connect ECONNREFUSED 203.0.113.7:443'), {code: 'ECONNREFUSED'}),
      )

    const {error} = await run(Verify, ['--team', 'acme'])

    expect(error?.message).to.equal(
      `Could not reach the byo-s3 broker at ${BROKER}: connect ECONNREFUSED 203.0.113.7:443. Check BYO_S3_BROKER_URL.`,
    )
    expect(error?.oclif?.exit).to.equal(6)
  })
})

describe('heroku byo-s3:verify with quota counts', function () {
  const withQuotas = {
    ...allowed,
    permissions: [
      ...allowed.permissions,
      {action: 'iam:GetAccountSummary', resource: '*', allowed: false, recommended: true},
    ],
    missingRecommended: ['iam:GetAccountSummary'],
    quotas: {
      checked: true,
      reason: null,
      iamUsers: null,
      buckets: {used: 120, quota: 10000, remaining: 9880, refusedBelow: 100},
      denied: ['iam:GetAccountSummary'],
    },
  }

  afterEach(function () {
    nock.cleanAll()
  })

  it('shows the headroom and recommends the quota permissions without failing', async function () {
    nock(BROKER).post('/admin/teams/acme/verify').reply(200, withQuotas)

    const {error, stdout} = await run(Verify, ['--team', 'acme'])

    expect(error).to.equal(undefined)
    expect(stdout).to.contain('✗ iam:GetAccountSummary on * (recommended)\n')
    expect(stdout).to.contain(
      'General purpose S3 buckets: 120 of 10000; provisioning is refused once fewer than 100 remain.\n',
    )
    expect(stdout).not.to.contain('IAM users:')
    expect(stdout).to.contain(
      "Recommended: add iam:GetAccountSummary to the linked identity's policy",
    )
  })

  it('passes the new fields through --json untouched', async function () {
    nock(BROKER).post('/admin/teams/acme/verify').reply(200, withQuotas)

    const {stdout} = await run(Verify, ['--team', 'acme', '--json'])

    expect(JSON.parse(stdout)).to.deep.equal(withQuotas)
  })
})
