import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify, stripVTControlCharacters} from 'node:util'

const run = promisify(execFile)
const require = createRequire(import.meta.url)
const pluginRoot = fileURLToPath(new URL('../..', import.meta.url))
const tsc = require.resolve('typescript/bin/tsc')
const heroku = require.resolve('heroku/bin/run.js')

describe('the plugin in the real Heroku CLI', function () {
  this.timeout(60_000)
  let home: string

  function herokuCli(...args: string[]) {
    return herokuCliWith({}, ...args)
  }

  function herokuCliWith(extraEnv: NodeJS.ProcessEnv, ...args: string[]) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...extraEnv,
      DISABLE_TELEMETRY: 'true',
      HEROKU_API_KEY: 'heroku-token-for-tests',
      HEROKU_SKIP_NEW_VERSION_CHECK: 'true',
      HOME: home,
      // The CLI otherwise starts a detached self-update that outlives the test.
      HEROKU_DISABLE_AUTOUPDATE: '1',
      OCLIF_DISABLE_LINKED_ESM_WARNING: 'true',
    }
    for (const name of ['XDG_CACHE_HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME']) delete env[name]
    return run(process.execPath, [heroku, ...args], {env, timeout: 30_000})
  }

  before(async function () {
    home = await mkdtemp(join(tmpdir(), 'byo-s3-heroku-home-'))
    await run(process.execPath, [tsc, '-b', pluginRoot])
    await herokuCli('plugins:link', pluginRoot, '--no-install')
  })

  after(async function () {
    await rm(home, {force: true, recursive: true})
  })

  it('lists the linked plugin', async function () {
    const {stdout} = await herokuCli('plugins')

    expect(stdout).to.match(/@byo-s3\/heroku-cli-plugin \S+ \(link\)/)
  })

  it('shows every flag of byo-s3:link in its help, and no flag for the secret', async function () {
    const {stdout} = await herokuCli('byo-s3:link', '--help')

    expect(stdout).to.contain('-t, --team=<value>')
    expect(stdout).to.contain('--access-key-id=<value>')
    expect(stdout).to.contain('--secret-stdin')
    expect(stdout).not.to.contain('--secret-access-key')
  })

  it('lists every command under the byo-s3 topic', async function () {
    const {stdout} = await herokuCli('help', 'byo-s3')

    expect(stdout).to.match(/byo-s3:buckets\s+list every byo-s3 bucket of a team/)
    expect(stdout).to.match(/byo-s3:info\s+show a team's AWS link/)
    expect(stdout).to.match(/byo-s3:link\s+link a Heroku Team/)
    expect(stdout).to.match(/byo-s3:links\s+list your teams/)
    expect(stdout).to.match(/byo-s3:unlink\s+unlink a Heroku Team/)
    expect(stdout).to.match(/byo-s3:verify\s+check a team's AWS keys now/)
  })

  it('prints one error line and exits 2 on an unknown flag', async function () {
    const failure = await herokuCli('byo-s3:links', '--no-such-flag').then(
      () => expect.fail('expected the command to fail'),
      (error: {code: number; stderr: string}) => error,
    )

    expect(failure.code).to.equal(2)
    expect(stripVTControlCharacters(failure.stderr)).to.equal(
      ' ›   Error: Nonexistent flag: --no-such-flag. See more help with --help.\n',
    )
  })

  it('prints one error line and exits 6 when the broker cannot be reached', async function () {
    const broker = `http://127.0.0.1:${await closedPort()}`

    const failure = await herokuCliWith({BYO_S3_BROKER_URL: broker}, 'byo-s3:links').then(
      () => expect.fail('expected the command to fail'),
      (error: {code: number; stderr: string}) => error,
    )

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
