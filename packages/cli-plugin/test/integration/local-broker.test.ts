import {
  ACCOUNT_ID,
  APP,
  type LocalBroker,
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
 * PostgreSQL; only Heroku's Platform API and AWS are stood in, by a loopback stub. bench-team
 * starts linked with one add-on. The cases run in order: bench-labs is linked first and
 * unlinked last.
 */
describe('the commands in the real Heroku CLI, against a local broker', function () {
  this.timeout(60_000)
  let broker: LocalBroker
  let cli: HerokuCli

  async function heroku(args: string[], input?: string) {
    const result = await cli.run(args, {env: {BYO_S3_BROKER_URL: broker.url}, input})
    expect(result.code, result.stderr).to.equal(0)
    return result
  }

  async function herokuJson(args: string[]) {
    return JSON.parse((await heroku([...args, '--json'])).stdout)
  }

  before(async function () {
    allowLoopback()
    await startTestPostgres()
    const [databaseUrl] = await Promise.all([createTestDatabase(), buildPlugin()])
    // Each is kept as soon as it is up, so that `after` stops it even when the other fails.
    await Promise.all([
      startLocalBroker(databaseUrl).then((started) => (broker = started)),
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

    expect(stdout).to.match(new RegExp(`bench-team\\s+admin\\s+yes\\s+${ACCOUNT_ID}`))
    expect(stdout).to.match(new RegExp(`bench-labs\\s+admin\\s+yes\\s+${ACCOUNT_ID}`))
    expect(stdout).to.match(/bench-viewers\s+member\s+no/)
  })

  it('prints the teams as JSON with --json', async function () {
    const links = await herokuJson(['byo-s3:links'])

    expect(links).to.deep.include({
      team: TEAM,
      role: 'admin',
      linked: true,
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

  it('unlinks the team when --confirm names it', async function () {
    const args = ['--team', 'bench-labs', '--confirm', 'bench-labs']
    const {stdout} = await heroku(['byo-s3:unlink', ...args])

    expect(stdout).to.contain('Unlinked team bench-labs from AWS.')
  })
})
