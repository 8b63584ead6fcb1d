import {expect} from 'chai'
import nock from 'nock'

import Link from '../../../src/commands/byo-s3/link.js'
import {terminal} from '../../../src/lib/terminal.js'
import {BROKER, run, SECRET, TOKEN} from '../../helpers/run.js'

const linkReply = {
  accessKeyId: 'AKIA************MPLE',
  awsAccountId: '123456789012',
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
  team: {id: '6a3c7d0e-6a0b-4b8e-9d52-1f5c8f0b2a11', name: 'acme'},
}

const argv = ['--team', 'acme', '--access-key-id', 'AKIAIOSFODNN7EXAMPLE', '--secret-stdin']

function pipeSecret(text = `${SECRET}\n`) {
  terminal.readStdin = async () => text
}

describe('heroku byo-s3:link', function () {
  let scope: nock.Scope

  beforeEach(function () {
    scope = nock(BROKER)
  })

  afterEach(function () {
    scope.done()
  })

  it('links the team with the secret read from stdin and says what developers can do next', async function () {
    pipeSecret()
    scope
      .put('/admin/teams/acme/link', {accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET})
      .reply(200, linkReply)

    const {error, stderr, stdout} = await run(Link, argv)

    expect(error).to.equal(undefined)
    expect(stderr).to.equal('Linking team acme to AWS... done\n')
    expect(stdout).to.equal(
      'Linked team acme to AWS account 123456789012. ' +
        "New buckets are created in each app's own region, named byo-s3-<app>-<random>; " +
        'destroying an add-on deletes its bucket. ' +
        'Developers can now run heroku addons:create byo-s3.\n',
    )
  })

  it('sends the team’s choice for destroyed add-ons’ buckets', async function () {
    pipeSecret()
    scope
      .put('/admin/teams/acme/link', {
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: SECRET,
        onDeprovision: 'retain',
      })
      .reply(200, {...linkReply, onDeprovision: 'retain'})

    const {error} = await run(Link, [...argv, '--on-deprovision', 'retain'])

    expect(error).to.equal(undefined)
  })

  it('refuses an unknown --on-deprovision value before asking for the secret', async function () {
    const {error} = await run(Link, [...argv, '--on-deprovision', 'archive'])

    expect(error?.message).to.contain(
      'Expected --on-deprovision=archive to be one of: delete, retain',
    )
  })

  it('refuses an access key id of the wrong shape before asking for the secret', async function () {
    const {error} = await run(Link, [
      '--team',
      'acme',
      '--access-key-id',
      'akia-bad',
      '--secret-stdin',
    ])

    expect(error?.message).to.contain(
      '--access-key-id takes an AWS access key id: 16 to 128 capital letters and digits',
    )
    expect(error?.message).to.contain('the value given (8 characters) is not one.')
    expect((error as {oclif?: {exit?: number}})?.oclif?.exit).to.equal(2)
  })

  it('does not print a secret pasted as the access key id', async function () {
    const {error, stderr, stdout} = await run(Link, ['--team', 'acme', '--access-key-id', SECRET])

    expect(error?.oclif?.exit).to.equal(2)
    expect(stdout + stderr + error?.message).not.to.contain(SECRET)
  })

  it('changes a setting alone without asking for the secret', async function () {
    scope
      .patch('/admin/teams/acme/link', {onDeprovision: 'retain'})
      .reply(200, {...linkReply, onDeprovision: 'retain'})

    const {error, stdout} = await run(Link, ['--team', 'acme', '--on-deprovision', 'retain'])

    expect(error).to.equal(undefined)
    expect(stdout).to.equal(
      'Changed the AWS link of team acme. ' +
        "New buckets are created in each app's own region, named byo-s3-<app>-<random>; " +
        'destroying an add-on keeps its bucket.\n',
    )
  })

  it('sends the region and bucket prefix with the keys', async function () {
    pipeSecret()
    scope
      .put('/admin/teams/acme/link', {
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: SECRET,
        bucketPrefix: 'acme-data',
        region: 'eu-central-1',
      })
      .reply(200, {...linkReply, region: 'eu-central-1', bucketPrefix: 'acme-data'})

    const {error, stdout} = await run(Link, [
      ...argv,
      '--region',
      'eu-central-1',
      '--bucket-prefix',
      'acme-data',
    ])

    expect(error).to.equal(undefined)
    expect(stdout).to.contain(
      'New buckets are created in eu-central-1, named acme-data-<app>-<random>;',
    )
  })

  it('changes the region and prefix alone, and --region app goes back to the app’s region', async function () {
    scope
      .patch('/admin/teams/acme/link', {bucketPrefix: 'acme-data', region: 'eu-west-2'})
      .reply(200, {...linkReply, region: 'eu-west-2', bucketPrefix: 'acme-data'})
      .patch('/admin/teams/acme/link', {region: null})
      .reply(200, {...linkReply, bucketPrefix: 'acme-data'})

    const set = await run(Link, [
      '--team',
      'acme',
      '--region',
      'eu-west-2',
      '--bucket-prefix',
      'acme-data',
    ])
    const reset = await run(Link, ['--team', 'acme', '--region', 'app'])

    expect(set.stdout).to.contain('created in eu-west-2, named acme-data-<app>-<random>')
    expect(reset.stdout).to.contain("created in each app's own region")
  })

  it('sends the team’s policy for add-on options with the keys, and says what it means', async function () {
    pipeSecret()
    const policy = {
      allowPublic: true,
      forbiddenOptions: ['bucket', 'kms-key-arn'],
      forcedOptions: {versioning: 'true', 'cors-origins': 'https://a.example,https://b.example'},
    }
    scope
      .put('/admin/teams/acme/link', {
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: SECRET,
        ...policy,
      })
      .reply(200, {...linkReply, ...policy})

    const {error, stdout} = await run(Link, [
      ...argv,
      '--allow-public',
      '--forbid-option',
      'bucket',
      '--forbid-option',
      'kms-key-arn',
      '--force-option',
      'versioning=true',
      '--force-option',
      'cors-origins=https://a.example,https://b.example',
    ])

    expect(error).to.equal(undefined)
    expect(stdout).to.contain(
      'destroying an add-on deletes its bucket. Add-ons may make public/ readable by anyone. ' +
        'Add-ons may not use --bucket, --kms-key-arn. Every new add-on gets --versioning true, ' +
        '--cors-origins https://a.example,https://b.example. Developers can now run',
    )
  })

  it('takes forbidden options separated by commas too', async function () {
    scope
      .patch('/admin/teams/acme/link', {forbiddenOptions: ['bucket', 'public-prefix']})
      .reply(200, {...linkReply, forbiddenOptions: ['bucket', 'public-prefix']})

    const {error} = await run(Link, ['--team', 'acme', '--forbid-option', 'bucket,public-prefix'])

    expect(error).to.equal(undefined)
  })

  it('lets the team adopt existing buckets with --allow-adopt, and says so', async function () {
    scope
      .patch('/admin/teams/acme/link', {allowAdopt: true})
      .reply(200, {...linkReply, allowAdopt: true})

    const {error, stdout} = await run(Link, ['--team', 'acme', '--allow-adopt'])

    expect(error).to.equal(undefined)
    expect(stdout).to.contain(
      'destroying an add-on deletes its bucket. Add-ons may adopt any existing bucket of the ' +
        'account with --bucket, getting a key to all its objects.\n',
    )
  })

  it('stops adoption again with --no-allow-adopt', async function () {
    scope.patch('/admin/teams/acme/link', {allowAdopt: false}).reply(200, linkReply)

    const {error, stdout} = await run(Link, ['--team', 'acme', '--no-allow-adopt'])

    expect(error).to.equal(undefined)
    expect(stdout).not.to.contain('adopt')
  })

  it('goes back to the default policy with --no-allow-public and none', async function () {
    scope
      .patch('/admin/teams/acme/link', {
        allowPublic: false,
        forbiddenOptions: [],
        forcedOptions: {},
      })
      .reply(200, linkReply)

    const {error, stdout} = await run(Link, [
      '--team',
      'acme',
      '--no-allow-public',
      '--forbid-option',
      'none',
      '--force-option',
      'none',
    ])

    expect(error).to.equal(undefined)
    expect(stdout).to.equal(
      'Changed the AWS link of team acme. ' +
        "New buckets are created in each app's own region, named byo-s3-<app>-<random>; " +
        'destroying an add-on deletes its bucket.\n',
    )
  })

  it('refuses a --force-option without a value before asking for the secret', async function () {
    const {error} = await run(Link, [...argv, '--force-option', 'versioning'])

    expect(error?.message).to.equal(
      '--force-option takes name=value, such as versioning=true, not "versioning".',
    )
    expect(error?.oclif?.exit).to.equal(2)
  })

  it('shows the broker’s sentence and exits 5 when it refuses a setting', async function () {
    scope.patch('/admin/teams/acme/link', {region: 'mars-north-1'}).reply(422, {
      id: 'unsupported_region',
      message: 'byo-s3 cannot create buckets in "mars-north-1". Supported AWS regions: us-east-1.',
    })

    const {error, stdout} = await run(Link, ['--team', 'acme', '--region', 'mars-north-1'])

    expect(error?.message).to.equal(
      'byo-s3 cannot create buckets in "mars-north-1". Supported AWS regions: us-east-1.',
    )
    expect((error as {oclif?: {exit?: number}})?.oclif?.exit).to.equal(5)
    expect(stdout).to.equal('')
  })

  it('asks for an access key id or a setting when given neither', async function () {
    const {error} = await run(Link, ['--team', 'acme'])

    expect(error?.message).to.contain('Pass --role-arn or --access-key-id to link the team')
    expect((error as {oclif?: {exit?: number}})?.oclif?.exit).to.equal(2)
  })

  it('says it updated the link when the team was linked already', async function () {
    pipeSecret()
    scope.put('/admin/teams/acme/link').reply(200, {...linkReply, created: false})

    const {stdout} = await run(Link, argv)

    expect(stdout).to.equal(
      'Updated the link of team acme to AWS account 123456789012 (access key AKIA************MPLE). ' +
        "New buckets are created in each app's own region, named byo-s3-<app>-<random>; " +
        'destroying an add-on deletes its bucket.\n',
    )
  })

  it('sends the Heroku token to the broker only, with the JSON headers and its user agent', async function () {
    pipeSecret()
    scope
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .matchHeader('accept', 'application/json')
      .matchHeader('content-type', 'application/json')
      .matchHeader('user-agent', /^byo-s3-cli\/\d+\.\d+\.\d+$/)
      .put('/admin/teams/acme/link')
      .reply(200, linkReply)
    const hosts: string[] = []
    scope.on('request', (request: {headers: Record<string, string>}) =>
      hosts.push(request.headers.host),
    )

    const {error} = await run(Link, argv)

    expect(error).to.equal(undefined)
    expect(hosts).to.deep.equal(['broker.example.test'])
  })

  it('encodes the team name in the path', async function () {
    pipeSecret()
    scope.put('/admin/teams/acme%2F..%2Fadmin/link').reply(200, linkReply)

    const {error} = await run(Link, [...argv.slice(2), '--team', 'acme/../admin'])

    expect(error).to.equal(undefined)
  })

  it('takes the team from HEROKU_TEAM', async function () {
    pipeSecret()
    process.env.HEROKU_TEAM = 'acme'
    scope.put('/admin/teams/acme/link').reply(200, linkReply)

    const {error, stdout} = await run(Link, argv.slice(2)).finally(
      () => delete process.env.HEROKU_TEAM,
    )

    expect(error).to.equal(undefined)
    expect(stdout).to.contain('Linked team acme')
  })

  it('strips only the trailing newline of the piped secret', async function () {
    pipeSecret(`${SECRET}\r\n`)
    scope
      .put('/admin/teams/acme/link', (body) => body.secretAccessKey === SECRET)
      .reply(200, linkReply)

    const {error} = await run(Link, argv)

    expect(error).to.equal(undefined)
  })

  it('prompts for the secret with hidden input when stdin is a terminal', async function () {
    const prompts: string[] = []
    terminal.isInteractive = () => true
    terminal.promptHidden = async (message) => {
      prompts.push(message)
      return SECRET
    }

    scope
      .put('/admin/teams/acme/link', {accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET})
      .reply(200, linkReply)

    const {error} = await run(Link, argv.slice(0, 4))

    expect(error).to.equal(undefined)
    expect(prompts).to.deep.equal(['AWS secret access key'])
  })

  it('asks for --secret-stdin when stdin is not a terminal', async function () {
    const {error, stdout} = await run(Link, argv.slice(0, 4))

    expect(error?.message).to.equal(
      'stdin is not a terminal, so the AWS secret access key cannot be prompted for. Pipe it in and pass --secret-stdin.',
    )
    expect(error?.oclif?.exit).to.equal(2)
    expect(stdout).to.equal('')
  })

  it('refuses an empty secret on stdin', async function () {
    pipeSecret('\n')

    const {error} = await run(Link, argv)

    expect(error?.message).to.match(/^The AWS secret access key is empty\./)
    expect(error?.oclif?.exit).to.equal(2)
  })

  it('refuses a secret on stdin too short to be one, without sending or printing it', async function () {
    pipeSecret('short\n')

    const {error, stderr, stdout} = await run(Link, argv)

    expect(error?.message).to.equal(
      'The AWS secret access key is too short: secret access keys are 16 to 256 characters, 40 for keys AWS makes. Provide the whole secret of the access key given with --access-key-id.',
    )
    expect(error?.oclif?.exit).to.equal(2)
    expect(stdout + stderr + error?.message).not.to.contain('short\n')
  })

  it('refuses a prompt answer too long to be a secret access key', async function () {
    terminal.isInteractive = () => true
    terminal.promptHidden = async () => SECRET.repeat(7)

    const {error} = await run(Link, argv.slice(0, 4))

    expect(error?.message).to.match(/^The AWS secret access key is too long: /)
    expect(error?.message).not.to.contain(SECRET)
    expect(error?.oclif?.exit).to.equal(2)
  })

  it('does not accept the secret as a flag', async function () {
    const {error} = await run(Link, [...argv.slice(0, 4), '--secret-access-key', SECRET])

    expect(error?.message).to.contain('Nonexistent flag: --secret-access-key')
    expect(error?.oclif?.exit).to.equal(2)
  })

  it('requires a team', async function () {
    const {error} = await run(Link, argv.slice(2))

    expect(error?.message).to.contain('Missing required flag team')
  })

  it('shows the broker sentence and exits 3 when the user is not an admin of the team', async function () {
    pipeSecret()
    const message = 'Only admins of team acme can link it. Ask an admin to run this command.'
    scope.put('/admin/teams/acme/link').reply(403, {id: 'forbidden', message})

    const {error, stdout} = await run(Link, argv)

    expect(error?.message).to.equal(message)
    expect(error?.oclif?.exit).to.equal(3)
    expect(stdout).to.equal('')
  })

  it('exits 3 when the Heroku token is refused', async function () {
    pipeSecret()
    const message = 'Your Heroku token is invalid or expired. Run heroku login and try again.'
    scope.put('/admin/teams/acme/link').reply(401, {id: 'unauthorized', message})

    const {error} = await run(Link, argv)

    expect(error?.message).to.equal(message)
    expect(error?.oclif?.exit).to.equal(3)
  })

  it('exits 5 when AWS rejects the credentials', async function () {
    pipeSecret()
    const message =
      'AWS rejected the access key: InvalidClientTokenId. Check the key and try again.'
    scope.put('/admin/teams/acme/link').reply(422, {id: 'invalid_aws_credentials', message})

    const {error} = await run(Link, argv)

    expect(error?.message).to.equal(message)
    expect(error?.oclif?.exit).to.equal(5)
  })

  it('exits 6 when the broker cannot be reached', async function () {
    pipeSecret()
    scope
      .put('/admin/teams/acme/link')
      .replyWithError(
        Object.assign(new Error('connect ECONNREFUSED 203.0.113.7:443'), {code: 'ECONNREFUSED'}),
      )

    const {error} = await run(Link, argv)

    expect(error?.message).to.equal(
      `Could not reach the byo-s3 broker at ${BROKER}: connect ECONNREFUSED 203.0.113.7:443. Check BYO_S3_BROKER_URL.`,
    )
    expect(error?.oclif?.exit).to.equal(6)
  })

  it('never prints the secret, on success or on failure', async function () {
    pipeSecret()
    scope
      .put('/admin/teams/acme/link')
      .reply(200, linkReply)
      .put('/admin/teams/acme/link')
      .reply(403, {id: 'forbidden', message: 'Only admins of team acme can link it.'})

    const success = await run(Link, argv)
    const failure = await run(Link, argv)

    for (const {error, stderr, stdout} of [success, failure]) {
      expect(stdout + stderr + (error?.message ?? '')).not.to.contain(SECRET)
    }

    expect(success.stdout).to.contain('Linked team acme')
    expect(failure.error?.message).to.equal('Only admins of team acme can link it.')
  })
})
