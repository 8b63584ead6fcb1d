import {roleSetupFor} from '@byo-s3/broker/src/aws/link-policy.js'
import {expect} from 'chai'
import nock from 'nock'
import {parse} from 'yaml'

import Link from '../../../src/commands/byo-s3/link.js'
import {BROKER, run, TOKEN} from '../../helpers/run.js'

const ROLE_ARN = 'arn:aws:iam::111122223333:role/byo-s3/byo-s3-acme'
const EXTERNAL_ID = '5f0c'.repeat(16)
const TEAM = {id: '6a3c7d0e-6a0b-4b8e-9d52-1f5c8f0b2a11', name: 'acme'}

const setup = {
  team: TEAM,
  renewed: false,
  linkedRoleArn: null,
  ...roleSetupFor({
    teamName: 'acme',
    bucketPrefix: 'byo-s3',
    brokerPrincipalArn: 'arn:aws:iam::444455556666:role/byo-s3-broker',
    externalId: EXTERNAL_ID,
  }),
}

const roleLink = {
  kind: 'role',
  roleArn: ROLE_ARN,
  accessKeyId: null,
  awsAccountId: '111122223333',
  created: true,
  linkedAt: '2026-05-04T10:00:00Z',
  linkedBy: 'admin@acme.example',
  onDeprovision: 'delete',
  region: null,
  bucketPrefix: 'byo-s3',
  allowPublic: false,
  allowAdopt: false,
  forbiddenOptions: [],
  forcedOptions: {},
  team: TEAM,
}

function dryRun(denied: string[] = []) {
  const actions = ['s3:CreateBucket', 's3:PutBucketPolicy', 'iam:CreateUser']
  const permissions = actions.map((action) => ({
    action,
    resource: action.startsWith('s3:')
      ? 'arn:aws:s3:::byo-s3-*'
      : 'arn:aws:iam::111122223333:user/byo-s3/*',
    allowed: !denied.includes(action),
  }))
  return {permissionsChecked: true, reason: null, permissions, missing: denied}
}

describe('heroku byo-s3:link with a role', function () {
  let scope: nock.Scope

  beforeEach(function () {
    scope = nock(BROKER)
  })

  afterEach(function () {
    scope.done()
  })

  describe('--print-role-setup', function () {
    it('prints the trust and permissions policies as JSON on stdout, and what to do on stderr', async function () {
      scope
        .matchHeader('authorization', `Bearer ${TOKEN}`)
        .post('/admin/teams/acme/role-setup', {})
        .reply(200, setup)

      const {error, stderr, stdout} = await run(Link, ['--team', 'acme', '--print-role-setup'])

      expect(error).to.equal(undefined)
      expect(JSON.parse(stdout)).to.deep.equal({
        roleName: 'byo-s3-acme',
        rolePath: '/byo-s3/',
        brokerPrincipalArn: 'arn:aws:iam::444455556666:role/byo-s3-broker',
        externalId: EXTERNAL_ID,
        trustPolicy: setup.trustPolicy,
        permissionsPolicy: setup.permissionsPolicy,
      })
      expect(stderr).to.equal(
        'Create role /byo-s3/byo-s3-acme with trustPolicy as its trust policy and permissionsPolicy as an inline policy, then run heroku byo-s3:link --team acme --role-arn <role ARN>.\n',
      )
    })

    it('prints a CloudFormation template in YAML that creates the role', async function () {
      scope.post('/admin/teams/acme/role-setup').reply(200, setup)

      const {stderr, stdout} = await run(Link, [
        '--team',
        'acme',
        '--print-role-setup',
        '--format',
        'cloudformation',
      ])

      const template = parse(stdout)
      expect(template).to.deep.equal(setup.cloudFormation)
      const role = template.Resources.ByoS3Role
      expect(role.Type).to.equal('AWS::IAM::Role')
      expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Condition).to.deep.equal({
        StringEquals: {'sts:ExternalId': EXTERNAL_ID},
      })
      expect(stdout).to.contain('Fn::Sub: arn:aws:iam::${AWS::AccountId}:user/byo-s3/*')
      expect(stderr).to.contain(
        'aws cloudformation deploy --template-file byo-s3-role.yaml --stack-name byo-s3-acme --capabilities CAPABILITY_NAMED_IAM',
      )
    })

    it('prints the template as JSON with --format cloudformation-json', async function () {
      scope.post('/admin/teams/acme/role-setup').reply(200, setup)

      const {stdout} = await run(Link, [
        '--team',
        'acme',
        '--print-role-setup',
        '--format',
        'cloudformation-json',
      ])

      expect(JSON.parse(stdout)).to.deep.equal(setup.cloudFormation)
    })

    it('asks the broker for a new External ID once confirmed, and says the role must follow', async function () {
      scope
        .post('/admin/teams/acme/role-setup', {newExternalId: true})
        .reply(200, {...setup, renewed: true})

      const {error, stderr} = await run(Link, [
        '--team',
        'acme',
        '--print-role-setup',
        '--new-external-id',
        '--confirm',
        'acme',
      ])

      expect(error).to.equal(undefined)
      expect(stderr).to.match(
        /^Team acme has a new External ID; update the trust policy of its role/,
      )
    })

    it('sends nothing when the confirmation names another team', async function () {
      const {error} = await run(Link, [
        '--team',
        'acme',
        '--print-role-setup',
        '--new-external-id',
        '--confirm',
        'globex',
      ])

      expect(error?.message).to.contain('globex')
      expect((error as {oclif?: {exit?: number}})?.oclif?.exit).to.equal(2)
    })
  })

  describe('--role-arn', function () {
    it('links the team to the role and lists each permission checked', async function () {
      scope
        .put('/admin/teams/acme/link', {roleArn: ROLE_ARN})
        .reply(200, {...roleLink, verification: dryRun()})

      const {error, stderr, stdout} = await run(Link, ['--team', 'acme', '--role-arn', ROLE_ARN])

      expect(error).to.equal(undefined)
      expect(stderr).to.equal(`Linking team acme to AWS through role ${ROLE_ARN}... done\n`)
      expect(stdout.split('\n')).to.deep.equal([
        `Linked team acme to AWS account 111122223333 through role ${ROLE_ARN}. ` +
          "New buckets are created in each app's own region, named byo-s3-<app>-<random>; " +
          'destroying an add-on deletes its bucket. Developers can now run heroku addons:create byo-s3.',
        '✓ s3:CreateBucket on arn:aws:s3:::byo-s3-*',
        '✓ s3:PutBucketPolicy on arn:aws:s3:::byo-s3-*',
        '✓ iam:CreateUser on arn:aws:iam::111122223333:user/byo-s3/*',
        '',
      ])
    })

    it('exits 5 naming the permissions the role lacks', async function () {
      scope
        .put('/admin/teams/acme/link')
        .reply(200, {...roleLink, created: false, verification: dryRun(['s3:PutBucketPolicy'])})

      const {error, stdout} = await run(Link, ['--team', 'acme', '--role-arn', ROLE_ARN])

      expect(stdout).to.contain(
        `Updated the link of team acme to AWS account 111122223333 (role ${ROLE_ARN}).`,
      )
      expect(stdout).to.contain('✗ s3:PutBucketPolicy on arn:aws:s3:::byo-s3-*')
      expect(error?.message).to.equal(
        "Add to the role's permissions policy (heroku byo-s3:link --print-role-setup prints it): s3:PutBucketPolicy",
      )
      expect((error as {oclif?: {exit?: number}})?.oclif?.exit).to.equal(5)
    })

    it('says why permissions could not be checked, and still links', async function () {
      const unchecked = {
        permissionsChecked: false,
        reason: 'AccessDenied: no simulator',
        permissions: [],
        missing: [],
      }
      scope.put('/admin/teams/acme/link').reply(200, {...roleLink, verification: unchecked})

      const {error, stdout} = await run(Link, ['--team', 'acme', '--role-arn', ROLE_ARN])

      expect(error).to.equal(undefined)
      expect(stdout).to.contain(
        'Could not check permissions: AccessDenied: no simulator. Grant iam:SimulatePrincipalPolicy on the linked role to let byo-s3 check them.',
      )
    })

    it('shows the broker’s explanation when the role cannot be assumed', async function () {
      const message =
        `AWS refused to let byo-s3 assume ${ROLE_ARN} (AccessDenied). Check that the role exists in account 111122223333, ` +
        'that its trust policy allows the principal arn:aws:iam::444455556666:role/byo-s3-broker, and that it requires sts:ExternalId x.'
      scope.put('/admin/teams/acme/link').reply(422, {id: 'role_not_assumable', message})

      const {error} = await run(Link, ['--team', 'acme', '--role-arn', ROLE_ARN])

      expect(error?.message).to.equal(message)
      expect((error as {oclif?: {exit?: number}})?.oclif?.exit).to.equal(5)
    })
  })
})
