import {expect} from 'chai'
import {createServer} from 'node:net'
import {stripVTControlCharacters} from 'node:util'

import {buildPlugin, HerokuCli, pluginRoot} from '../helpers/heroku-cli.js'
import {TOKEN} from '../helpers/run.js'

describe('the plugin in the real Heroku CLI', function () {
  this.timeout(60_000)
  let cli: HerokuCli

  async function heroku(...args: string[]) {
    const result = await cli.run(args)
    expect(result.code, result.stderr).to.equal(0)
    return result
  }

  before(async function () {
    await buildPlugin()
    cli = await HerokuCli.withPluginLinked(pluginRoot, TOKEN)
  })

  after(async function () {
    await cli?.remove()
  })

  it('lists the linked plugin', async function () {
    const {stdout} = await heroku('plugins')

    expect(stdout).to.match(/@byo-s3\/heroku-cli-plugin \S+ \(link\)/)
  })

  it('shows every flag of byo-s3:link in its help, and no flag for the secret', async function () {
    const {stdout} = await heroku('byo-s3:link', '--help')

    expect(stdout).to.contain('-t, --team=<value>')
    expect(stdout).to.contain('--access-key-id=<value>')
    expect(stdout).to.contain('--secret-stdin')
    expect(stdout).to.contain('--[no-]allow-public')
    expect(stdout).to.contain('--[no-]allow-adopt')
    expect(stdout).to.contain('--forbid-option=<value>...')
    expect(stdout).to.contain('--force-option=<value>...')
    expect(stdout).not.to.contain('--secret-access-key')
  })

  it('lists every command under the byo-s3 topic', async function () {
    const {stdout} = await heroku('help', 'byo-s3')

    expect(stdout).to.match(
      /byo-s3:credentials\s+an add-on's AWS access key: rotate it without downtime/,
    )
    expect(stdout).to.match(/byo-s3:buckets\s+list every byo-s3 bucket of a team/)
    expect(stdout).to.match(/byo-s3:info\s+show a team's AWS link/)
    expect(stdout).to.match(/byo-s3:link\s+link a Heroku Team/)
    expect(stdout).to.match(/byo-s3:links\s+list your teams/)
    expect(stdout).to.match(/byo-s3:unlink\s+unlink a Heroku Team/)
    expect(stdout).to.match(/byo-s3:verify\s+check a team's AWS keys or role now/)
  })

  it('lists byo-s3:credentials:rotate under the byo-s3:credentials topic', async function () {
    const {stdout} = await heroku('help', 'byo-s3:credentials')

    expect(stdout).to.match(
      /byo-s3:credentials:rotate\s+replace an add-on's AWS access key without downtime/,
    )
  })

  it('prints one error line and exits 2 on an unknown flag', async function () {
    const failure = await cli.run(['byo-s3:links', '--no-such-flag'])

    expect(failure.code).to.equal(2)
    expect(stripVTControlCharacters(failure.stderr)).to.equal(
      ' ›   Error: Nonexistent flag: --no-such-flag. See more help with --help.\n',
    )
  })

  it('prints one error line and exits 6 when the broker cannot be reached', async function () {
    const broker = `http://127.0.0.1:${await closedPort()}`

    const failure = await cli.run(['byo-s3:links'], {env: {BYO_S3_BROKER_URL: broker}})

    expect(failure.code).to.equal(6)
    expect(stripVTControlCharacters(failure.stderr)).to.match(
      /^ › {3}Error: Could not reach the byo-s3 broker at http:\/\/127\.0\.0\.1:\d+: .+\. Check BYO_S3_BROKER_URL\.\n$/,
    )
  })
})

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as {port: number}
  await new Promise((resolve) => server.close(resolve))
  return port
}
