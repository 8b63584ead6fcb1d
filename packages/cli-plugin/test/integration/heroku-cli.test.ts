import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

const run = promisify(execFile)
const require = createRequire(import.meta.url)
const pluginRoot = fileURLToPath(new URL('../..', import.meta.url))
const tsc = require.resolve('typescript/bin/tsc')
const heroku = require.resolve('heroku/bin/run.js')

describe('the plugin in the real Heroku CLI', function () {
  this.timeout(60_000)
  let home: string

  function herokuCli(...args: string[]) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
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
    expect(stdout).to.contain('--[no-]allow-public')
    expect(stdout).to.contain('--forbid-option=<value>...')
    expect(stdout).to.contain('--force-option=<value>...')
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
})
