import {expect} from 'chai'
import nock from 'nock'
import {stripVTControlCharacters} from 'node:util'

import Unlink from '../../../src/commands/byo-s3/unlink.js'
import {ByoS3Error} from '../../../src/lib/errors.js'
import {terminal} from '../../../src/lib/terminal.js'
import {BROKER, run, TOKEN} from '../../helpers/run.js'

describe('heroku byo-s3:unlink', function () {
  let scope: nock.Scope

  beforeEach(function () {
    scope = nock(BROKER)
  })

  afterEach(function () {
    scope.done()
  })

  it('unlinks the team when --confirm names it', async function () {
    scope
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .delete('/admin/teams/acme/link')
      .reply(204)

    const {error, stderr, stdout} = await run(Unlink, ['--team', 'acme', '--confirm', 'acme'])

    expect(error).to.equal(undefined)
    expect(stderr).to.equal('Unlinking team acme from AWS... done\n')
    expect(stdout).to.equal(
      'Unlinked team acme from AWS. The broker no longer holds its AWS keys.\n',
    )
  })

  it('refuses to run without --confirm when stdin is not a terminal', async function () {
    const {error, stdout} = await run(Unlink, ['--team', 'acme'])

    expect(error?.message).to.equal(
      'Unlinking team acme needs a confirmation and stdin is not a terminal. Pass --confirm acme.',
    )
    expect(error?.oclif?.exit).to.equal(2)
    expect(stdout).to.equal('')
  })

  it('refuses a --confirm that does not name the team', async function () {
    const {error} = await run(Unlink, ['--team', 'acme', '--confirm', 'acme-staging'])

    expect(error?.message).to.equal('Confirmation acme-staging did not match acme. Aborted.')
    expect(error?.oclif?.exit).to.equal(2)
  })

  it('asks for the team name on a terminal and unlinks when it is typed', async function () {
    const prompts: string[] = []
    terminal.isInteractive = () => true
    terminal.prompt = async (message) => {
      prompts.push(stripVTControlCharacters(message))
      return 'acme'
    }

    scope.delete('/admin/teams/acme/link').reply(204)

    const {error, stderr} = await run(Unlink, ['--team', 'acme'])

    expect(error).to.equal(undefined)
    expect(prompts).to.deep.equal([
      'To proceed, type acme or re-run this command with --confirm acme',
    ])
    expect(stderr).to.contain('This unlinks team acme from its AWS account.')
  })

  it('stops when a different name is typed at the prompt', async function () {
    terminal.isInteractive = () => true
    terminal.prompt = async () => 'acme-staging'

    const {error} = await run(Unlink, ['--team', 'acme'])

    expect(error?.message).to.equal('Confirmation did not match acme. Aborted.')
    expect(error?.oclif?.exit).to.equal(2)
  })

  it('prints the live add-ons and exits 5 when the team still has some', async function () {
    const message =
      'Team acme still has 2 byo-s3 add-ons: byo-s3-shiny-12345 on acme-web, byo-s3-round-67890 on acme-api. Destroy them with heroku addons:destroy, then unlink.'
    scope.delete('/admin/teams/acme/link').reply(409, {id: 'live_addons', message})

    const {error, stdout} = await run(Unlink, ['--team', 'acme', '--confirm', 'acme'])

    expect(error?.message).to.equal(message)
    expect((error as ByoS3Error).id).to.equal('live_addons')
    expect(error?.oclif?.exit).to.equal(5)
    expect(stdout).to.equal('')
  })

  it('exits 4 when the team is not linked', async function () {
    const message = 'Team acme is not linked to an AWS account.'
    scope.delete('/admin/teams/acme/link').reply(404, {id: 'not_linked', message})

    const {error} = await run(Unlink, ['--team', 'acme', '--confirm', 'acme'])

    expect(error?.message).to.equal(message)
    expect(error?.oclif?.exit).to.equal(4)
  })

  it('exits 3 with the broker sentence when the user is not an admin', async function () {
    const message = 'Only admins of team acme can unlink it. Ask an admin to run this command.'
    scope.delete('/admin/teams/acme/link').reply(403, {id: 'forbidden', message})

    const {error} = await run(Unlink, ['--team', 'acme', '--confirm', 'acme'])

    expect(error?.message).to.equal(message)
    expect(error?.oclif?.exit).to.equal(3)
  })

  it('exits 6 when the broker cannot be reached', async function () {
    scope
      .delete('/admin/teams/acme/link')
      .replyWithError(
        Object.assign(new Error('getaddrinfo ENOTFOUND broker.example.test'), {code: 'ENOTFOUND'}),
      )

    const {error} = await run(Unlink, ['--team', 'acme', '--confirm', 'acme'])

    expect(error?.message).to.equal(
      `Could not reach the byo-s3 broker at ${BROKER}: getaddrinfo ENOTFOUND broker.example.test. Check BYO_S3_BROKER_URL.`,
    )
    expect(error?.oclif?.exit).to.equal(6)
  })
})
