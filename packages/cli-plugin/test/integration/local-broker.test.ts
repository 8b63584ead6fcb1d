import {
  ACCOUNT_ID,
  APP,
  type LocalBroker,
  PLAIN_APP,
  startLocalBroker,
  TEAM,
  USER,
} from '@byo-s3/broker/bench/local-broker.js'
import {
  createTestDatabase,
  startTestPostgres,
  stopTestPostgres,
} from '@byo-s3/broker/test/helpers/postgres.js'
import {expect} from 'chai'

import {buildPlugin, HerokuCli, pluginRoot} from '../helpers/heroku-cli.js'
import {allowRealConnections} from '../helpers/network.js'
import {SECRET} from '../helpers/run.js'

const KEY_ID = 'AKIAIOSFODNN7EXAMPLE'

// The broker runs in this process and calls the stub on loopback; Heroku's CLI runs apart.
function allowLoopback() {
  allowRealConnections('127.0.0.1')
}

/*
 * Each command runs through the real `heroku` binary against the real broker on a real
 * PostgreSQL, whose workers run its jobs; only Heroku's Platform API and AWS are stood in, by a
 * loopback stub, which the CLI reaches through HEROKU_HOST. bench-team starts linked with one
 * add-on, on bench-shop. The cases run in order: bench-labs is linked first and unlinked last,
 * and the add-on's key is rotated once.
 */
describe('the commands in the real Heroku CLI, against a local broker', function () {
  this.timeout(60_000)
  let broker: LocalBroker
  let cli: HerokuCli

  function run(args: string[], input?: string) {
    const env = {BYO_S3_BROKER_URL: broker.url, HEROKU_HOST: broker.stub.url}
    return cli.run(args, {env, input})
  }

  async function heroku(args: string[], input?: string) {
    const result = await run(args, input)
    expect(result.code, result.stderr).to.equal(0)
    return result
  }

  async function herokuJson(args: string[]) {
    return JSON.parse((await heroku([...args, '--json'])).stdout)
  }

  /** The access key in the add-on's config vars, as Heroku holds them. */
  function appKey() {
    return broker.stub.addonConfig(broker.addon.id).BYO_S3_AWS_ACCESS_KEY_ID
  }

  before(async function () {
    allowLoopback()
    await startTestPostgres()
    const [databaseUrl] = await Promise.all([createTestDatabase(), buildPlugin()])
    // Each is kept as soon as it is up, so that `after` stops it even when the other fails.
    await Promise.all([
      startLocalBroker(databaseUrl, {workers: true}).then((started) => (broker = started)),
      HerokuCli.withPluginLinked(pluginRoot, USER.token).then((linked) => (cli = linked)),
    ])
  })

  beforeEach(allowLoopback)

  after(async function () {
    await broker?.close()
    await cli?.remove()
    await stopTestPostgres()
  })

  it('links a team with the secret read from stdin, once STS knows the keys', async function () {
    broker.stub.reset()
    const args = ['--team', 'bench-labs', '--access-key-id', KEY_ID, '--secret-stdin']
    const {stdout} = await heroku(['byo-s3:link', ...args], `${SECRET}\n`)

    expect(stdout).to.contain(`Linked team bench-labs to AWS account ${ACCOUNT_ID}.`)
    expect(broker.stub.calls().map(({operation}) => operation)).to.include('sts:GetCallerIdentity')
  })

  it('lists each team with the role, whether it is linked and the AWS account', async function () {
    const {stdout} = await heroku(['byo-s3:links'])

    expect(stdout).to.match(
      new RegExp(`bench-team\\s+admin\\s+yes\\s+access keys\\s+${ACCOUNT_ID}`),
    )
    expect(stdout).to.match(
      new RegExp(`bench-labs\\s+admin\\s+yes\\s+access keys\\s+${ACCOUNT_ID}`),
    )
    expect(stdout).to.match(/bench-viewers\s+member\s+no/)
  })

  it('prints the teams as JSON with --json', async function () {
    const links = await herokuJson(['byo-s3:links'])

    expect(links).to.deep.include({
      team: TEAM,
      role: 'admin',
      linked: true,
      kind: 'keys',
      awsAccountId: ACCOUNT_ID,
    })
    expect(links).to.have.length(3)
  })

  it("shows a team's link with its masked key and bucket count", async function () {
    const {stdout} = await heroku(['byo-s3:info', '--team', 'bench-team'])

    expect(stdout).to.match(new RegExp(`AWS Account:\\s+${ACCOUNT_ID}`))
    expect(stdout).to.match(/Access Key:\s+AKIA\*{12}MPLE/)
    expect(stdout).to.match(/Buckets:\s+1/)
    expect(stdout).to.match(new RegExp(`Linked By:\\s+${USER.account.email}`))
  })

  it('prints the link as JSON with --json', async function () {
    const link = await herokuJson(['byo-s3:info', '--team', 'bench-team'])

    expect(link).to.include({awsAccountId: ACCOUNT_ID, bucketCount: 1, onDeprovision: 'delete'})
    expect(link.team).to.deep.equal(TEAM)
  })

  it("lists the team's add-on with its app, bucket, region and state", async function () {
    const {stdout} = await heroku(['byo-s3:buckets', '--team', 'bench-team'])

    expect(stdout).to.match(
      /bench-shop\s+byo-s3-bench-71234\s+byo-s3-bench-shop-\S+\s+us-east-1\s+provisioned/,
    )
  })

  it('prints the add-ons as JSON with --json', async function () {
    const buckets = await herokuJson(['byo-s3:buckets', '--team', 'bench-team'])

    expect(buckets).to.have.length(1)
    expect(buckets[0]).to.include({region: 'us-east-1', state: 'provisioned', failureReason: null})
    expect(buckets[0].app).to.deep.equal(APP)
  })

  it('checks the keys and ticks each permission provisioning needs', async function () {
    const {stdout} = await heroku(['byo-s3:verify', '--team', 'bench-team'])

    expect(stdout).to.contain(
      `Keys work: arn:aws:iam::${ACCOUNT_ID}:user/linker in AWS account ${ACCOUNT_ID}.`,
    )
    expect(stdout).to.contain('✓ s3:CreateBucket on arn:aws:s3:::byo-s3-*')
    expect(stdout).to.contain(`✓ iam:CreateAccessKey on arn:aws:iam::${ACCOUNT_ID}:user/byo-s3/*`)
    expect(stdout).not.to.contain('✗')
  })

  it('prints the check as JSON with --json', async function () {
    const result = await herokuJson(['byo-s3:verify', '--team', 'bench-team'])

    expect(result).to.include({awsAccountId: ACCOUNT_ID, permissionsChecked: true, reason: null})
    expect(result.missing).to.deep.equal([])
    expect(result.permissions).not.to.be.empty
    expect(result.permissions.every(({allowed}: {allowed: boolean}) => allowed)).to.be.true
  })

  it("finds nothing wrong with the team's add-on and exits 0", async function () {
    const {stdout} = await heroku(['byo-s3:doctor', '--team', 'bench-team'])

    expect(stdout).to.contain(`Checked team bench-team against AWS account ${ACCOUNT_ID}`)
    expect(stdout).to.contain('✓ No bucket, user or key of this team without an add-on.')
    expect(stdout).to.contain('✓ Every bucket keeps the settings byo-s3 applied.')
    expect(stdout).not.to.contain('✗')
  })

  it('prints the drift report as JSON with --json', async function () {
    const report = await herokuJson(['byo-s3:doctor', '--team', 'bench-team'])

    expect(report).to.include({awsAccountId: ACCOUNT_ID, fixed: false, problems: 0})
    expect(report.team).to.deep.equal(TEAM)
    expect(report.findings).to.deep.equal([])
  })

  it("rotates the add-on's key and names the new one once the app has it", async function () {
    const oldKey = appKey()
    broker.stub.reset()

    const {stdout, stderr} = await heroku(['byo-s3:credentials:rotate', '--app', APP.name])

    const newKey = appKey()
    expect(newKey).to.match(/^AKIA/).and.not.equal(oldKey)
    expect(stderr).to.equal(
      'Rotating the credentials of byo-s3-bench-71234 on bench-shop... done\n',
    )
    expect(stdout).to.contain(`The app now uses access key ${newKey}.`)
    expect(stdout).to.match(
      new RegExp(`The old key ${oldKey} keeps working until \\S+, then it is deleted\\.`),
    )
    const operations = broker.stub.calls().map(({operation}) => operation)
    expect(operations).to.include.members([
      'heroku:GET /apps/:app/addons',
      'heroku:GET /apps/:app/addons/:addon/sso',
      'iam:ListAccessKeys',
      'iam:CreateAccessKey',
      's3:ListObjectsV2',
      'heroku:PATCH /addons/:id/config',
    ])
    expect(broker.stub.calls().filter(({status}) => status >= 400)).to.deep.equal([])
  })

  it('refuses to rotate again during the overlap, with one error line and exit 5', async function () {
    const failure = await run(['byo-s3:credentials:rotate', '--app', APP.name, broker.addon.name])

    expect(failure.code).to.equal(5)
    expect(failure.stderr).to.match(
      /^Rotating the credentials of byo-s3-bench-71234 on bench-shop\.\.\. already done\n › {3}Error: The add-on's key was rotated at \S+; the old key AKIA\w+ is deleted at \S+, and the next rotation can start after that\.\n$/,
    )
  })

  it('prints one error line and exits 4 when the app has no byo-s3 add-on', async function () {
    const failure = await run(['byo-s3:credentials:rotate', '--app', PLAIN_APP.name])

    expect(failure.code).to.equal(4)
    expect(failure.stderr).to.equal(
      ' ›   Error: App bench-blog has no byo-s3 add-on. Create one with heroku addons:create byo-s3 -a bench-blog.\n',
    )
  })

  it('unlinks the team when --confirm names it', async function () {
    const args = ['--team', 'bench-labs', '--confirm', 'bench-labs']
    const {stdout} = await heroku(['byo-s3:unlink', ...args])

    expect(stdout).to.contain('Unlinked team bench-labs from AWS.')
  })
})
