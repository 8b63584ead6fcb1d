import {expect} from 'chai'
import nock from 'nock'

import Links from '../../../src/commands/byo-s3/links.js'
import {BROKER, run, TOKEN} from '../../helpers/run.js'

const links = [
  {
    awsAccountId: '123456789012',
    linked: true,
    kind: 'role',
    role: 'admin',
    team: {id: '6a3c7d0e-6a0b-4b8e-9d52-1f5c8f0b2a11', name: 'acme'},
  },
  {
    awsAccountId: null,
    linked: false,
    kind: null,
    role: 'member',
    team: {id: '0f4e2b9c-3d1a-4c7e-8b6f-2a9d5e1c7b30', name: 'acme-labs'},
  },
]

function rows(output: string): string[][] {
  return output
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}/))
}

describe('heroku byo-s3:links', function () {
  let scope: nock.Scope

  beforeEach(function () {
    scope = nock(BROKER)
  })

  afterEach(function () {
    scope.done()
  })

  it('lists each team with the role, whether it is linked, how, and the AWS account', async function () {
    scope.matchHeader('authorization', `Bearer ${TOKEN}`).get('/admin/links').reply(200, links)

    const {error, stdout} = await run(Links, [])

    expect(error).to.equal(undefined)
    const [header, rule, ...body] = rows(stdout)
    expect(header).to.deep.equal(['Team', 'Role', 'Linked', 'Kind', 'AWS Account'])
    // Tables draw their rule with box characters, or with hyphens where CI is set.
    expect(rule.join('')).to.match(/^(─+|-+)$/)
    expect(body).to.deep.equal([
      ['acme', 'admin', 'yes', 'IAM role', '123456789012'],
      ['acme-labs', 'member', 'no'],
    ])
  })

  it('prints the broker array as JSON with --json', async function () {
    scope.get('/admin/links').reply(200, links)

    const {stdout} = await run(Links, ['--json'])

    expect(JSON.parse(stdout)).to.deep.equal(links)
    expect(stdout).to.contain('\n  {\n    "awsAccountId": "123456789012"')
  })

  it('says so when the user belongs to no team', async function () {
    scope.get('/admin/links').reply(200, [])

    const {stdout} = await run(Links, [])

    expect(stdout).to.equal(
      'You are not a member of any Heroku Team. Join or create one to use byo-s3.\n',
    )
  })

  it('exits 3 with the broker sentence when the token is refused', async function () {
    const message = 'Your Heroku token is invalid or expired. Run heroku login and try again.'
    scope.get('/admin/links').reply(401, {id: 'unauthorized', message})

    const {error, stdout} = await run(Links, [])

    expect(error?.message).to.equal(message)
    expect(error?.oclif?.exit).to.equal(3)
    expect(stdout).to.equal('')
  })

  it('explains a failure that carries no broker message and exits 7 for an unavailable broker', async function () {
    scope
      .get('/admin/links')
      .reply(503, '<html>Application error</html>', {'content-type': 'text/html'})

    const {error} = await run(Links, [])

    expect(error?.message).to.equal(
      `The byo-s3 broker at ${BROKER} answered HTTP 503. Try again in a few minutes.`,
    )
    expect(error?.oclif?.exit).to.equal(7)
  })

  it('exits 6 when the broker cannot be reached', async function () {
    scope
      .get('/admin/links')
      .replyWithError(
        Object.assign(new Error('connect ECONNREFUSED 203.0.113.7:443'), {code: 'ECONNREFUSED'}),
      )

    const {error} = await run(Links, ['--json'])

    expect(error?.message).to.match(
      /^Could not reach the byo-s3 broker at https:\/\/broker\.example\.test: /,
    )
    expect(error?.oclif?.exit).to.equal(6)
  })
})
