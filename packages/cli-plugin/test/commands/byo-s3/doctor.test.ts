import {expect} from 'chai'
import nock from 'nock'
import {stripVTControlCharacters} from 'node:util'

import Doctor from '../../../src/commands/byo-s3/doctor.js'
import {terminal} from '../../../src/lib/terminal.js'
import {BROKER, run, runAsCli, TOKEN} from '../../helpers/run.js'

const team = {id: '6a3c7d0e-6a0b-4b8e-9d52-1f5c8f0b2a11', name: 'acme'}
const counts = {orphan: 0, retained: 0, missing: 0, drift: 0, stuck: 0, failing: 0}

const clean = {
  team,
  awsAccountId: '111122223333',
  checkedAt: '2026-05-06T08:30:00.000Z',
  fixed: false,
  problems: 0,
  counts,
  findings: [],
}

const orphanUser = {
  kind: 'orphan',
  resource: 'user',
  name: 'byo-s3-gone',
  addonId: null,
  problem: "Tagged as byo-s3's for this team, but the broker has no add-on of that id.",
  action: 'Delete it with its keys and policies: run doctor with --fix.',
  fixable: true,
  fix: null,
}

const orphanBucket = {
  kind: 'orphan',
  resource: 'bucket',
  name: 'byo-s3-old-abc123',
  addonId: null,
  problem: "Tagged as byo-s3's for this team, but the broker has no add-on of that id.",
  action:
    'byo-s3 never deletes a bucket that may hold data: empty and delete it if nobody needs it.',
  fixable: false,
  fix: null,
}

const retained = {
  kind: 'retained',
  resource: 'bucket',
  name: 'byo-s3-kept-abc123',
  addonId: null,
  problem: 'Kept when its add-on was deprovisioned, on 2026-04-01T00:00:00.000Z.',
  action: 'Nothing to do.',
  fixable: false,
  fix: null,
}

const withProblems = {
  ...clean,
  problems: 2,
  counts: {...counts, orphan: 2, retained: 1},
  findings: [orphanUser, orphanBucket, retained],
}

describe('heroku byo-s3:doctor', function () {
  let scope: nock.Scope

  beforeEach(function () {
    scope = nock(BROKER)
  })

  afterEach(function () {
    scope.done()
  })

  it('ticks every section of a clean team and exits 0', async function () {
    scope
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .get('/admin/teams/acme/doctor')
      .reply(200, clean)

    const {error, stderr, stdout} = await run(Doctor, ['--team', 'acme'])

    expect(error).to.equal(undefined)
    expect(stderr).to.equal('Checking team acme... done\n')
    expect(stdout).to.equal(
      [
        'Checked team acme against AWS account 111122223333 at 2026-05-06T08:30:00.000Z.',
        '',
        '=== Orphans',
        '✓ No bucket, user or key of this team without an add-on.',
        '',
        '=== Missing',
        '✓ Every add-on has its bucket, user and key.',
        '',
        '=== Drift',
        '✓ Every bucket keeps the settings byo-s3 applied.',
        '',
        '=== Stuck',
        '✓ No add-on or key rotation is stuck.',
        '',
        '=== Failing jobs',
        '✓ No job is retrying or failed.',
        '',
        '=== Retained buckets',
        '✓ None.',
        '',
      ].join('\n'),
    )
  })

  it('lists each finding with what to do, and exits 8 with one line', async function () {
    scope.get('/admin/teams/acme/doctor').reply(200, withProblems)

    const {exitCode, stderr, stdout} = await runAsCli(Doctor, ['--team', 'acme'])

    expect(exitCode).to.equal(8)
    expect(stdout).to.contain(
      [
        '=== Orphans',
        `✗ user byo-s3-gone: ${orphanUser.problem}`,
        `  → ${orphanUser.action}`,
        `✗ bucket byo-s3-old-abc123: ${orphanBucket.problem}`,
        `  → ${orphanBucket.action}`,
        '',
        '=== Missing',
        '✓ Every add-on has its bucket, user and key.',
      ].join('\n'),
    )
    expect(stdout).to.contain(`• bucket byo-s3-kept-abc123: ${retained.problem}`)
    expect(stderr).to.equal(
      'Checking team acme... done\n ›   Error: Team acme has 2 problems. Run heroku byo-s3:doctor --team acme --fix to repair what is safe to repair.\n',
    )
  })

  it('prints the report as JSON with --json and still exits 8 on problems, quietly', async function () {
    scope.get('/admin/teams/acme/doctor').reply(200, withProblems)

    const {exitCode, stderr, stdout} = await runAsCli(Doctor, ['--team', 'acme', '--json'])

    expect(JSON.parse(stdout)).to.deep.equal(withProblems)
    expect(Object.keys(JSON.parse(stdout))).to.have.members([
      'team',
      'awsAccountId',
      'checkedAt',
      'fixed',
      'problems',
      'counts',
      'findings',
    ])
    expect(exitCode).to.equal(8)
    expect(stderr).to.equal('Checking team acme... done\n')
  })

  it('exits 0 with --json when the team is clean', async function () {
    scope.get('/admin/teams/acme/doctor').reply(200, clean)

    const {exitCode, stdout} = await runAsCli(Doctor, ['--team', 'acme', '--json'])

    expect(exitCode).to.equal(0)
    expect(JSON.parse(stdout)).to.deep.equal(clean)
  })

  it('repairs with --fix --confirm and shows each outcome', async function () {
    const fixedUser = {
      ...orphanUser,
      fix: {outcome: 'fixed', detail: 'Deleted user byo-s3-gone with its keys and policies.'},
    }
    scope
      .post('/admin/teams/acme/doctor/fix')
      .reply(200, {...withProblems, fixed: true, problems: 1, findings: [fixedUser, orphanBucket]})

    const {exitCode, stderr, stdout} = await runAsCli(Doctor, [
      '--team',
      'acme',
      '--fix',
      '--confirm',
      'acme',
    ])

    expect(stdout).to.contain(
      `✗ user byo-s3-gone: ${orphanUser.problem}\n  fixed: Deleted user byo-s3-gone with its keys and policies.\n`,
    )
    expect(exitCode).to.equal(8)
    expect(stderr).to.equal(
      'Checking and repairing team acme... done\n ›   Error: Team acme has 1 problem. Each one above says what to do.\n',
    )
  })

  it('refuses --fix without --confirm when stdin is not a terminal, and sends nothing', async function () {
    const {error, stdout} = await run(Doctor, ['--team', 'acme', '--fix'])

    expect(error?.message).to.equal(
      'Repairing team acme needs a confirmation and stdin is not a terminal. Pass --confirm acme.',
    )
    expect(error?.oclif?.exit).to.equal(2)
    expect(stdout).to.equal('')
  })

  it('asks for the team name before --fix on a terminal', async function () {
    const prompts: string[] = []
    terminal.isInteractive = () => true
    terminal.prompt = async (message) => {
      prompts.push(stripVTControlCharacters(message))
      return 'acme'
    }

    scope.post('/admin/teams/acme/doctor/fix').reply(200, {...clean, fixed: true})

    const {error, stderr} = await run(Doctor, ['--team', 'acme', '--fix'])

    expect(error).to.equal(undefined)
    expect(prompts).to.deep.equal([
      'To proceed, type acme or re-run this command with --confirm acme',
    ])
    expect(stderr).to.contain('This deletes IAM users and access keys of team acme')
  })

  it('refuses --confirm without --fix', async function () {
    const {error} = await run(Doctor, ['--team', 'acme', '--confirm', 'acme'])

    expect(error?.oclif?.exit).to.equal(2)
    expect(error?.message).to.contain('--fix')
  })
})
