/*
 * The conformance run against byo-s3's own broker: the real app on loopback over a real
 * PostgreSQL, its Heroku calls going to the tool's stand-in and its AWS calls to the bench's AWS
 * stub. byo-s3 provisions only for a team linked to AWS, so the stand-in's team is linked first,
 * straight in the broker's database, as an admin's `heroku byo-s3:link` would.
 */
import {randomUUID} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {Writable} from 'node:stream'
import {type Stub, startStub} from '@byo-s3/broker/bench/stub.js'
import {buildApp} from '@byo-s3/broker/src/app.js'
import {loadConfig} from '@byo-s3/broker/src/config/config.js'
import {generateKey} from '@byo-s3/broker/src/crypto/fernet-token.js'
import {createLogger} from '@byo-s3/broker/src/logger.js'
import {saveTeamLink} from '@byo-s3/broker/src/storage/team-links.js'
import {
  createTestDatabase,
  startTestPostgres,
  stopTestPostgres,
} from '@byo-s3/broker/test/helpers/postgres.js'
import {expect} from 'chai'
import type {FastifyInstance} from 'fastify'
import {type HerokuStandIn, startHerokuStandIn} from '../src/heroku/stand-in.js'
import {DEFAULT_TEAM} from '../src/heroku/world.js'
import type {Manifest} from '../src/manifest.js'
import {runConformance} from '../src/run.js'

const MANIFEST = new URL('../../../addon-manifest.json', import.meta.url)

describe('conformance of the byo-s3 broker', () => {
  const stops: (() => Promise<void> | void)[] = []
  const logs: string[] = []
  let broker: FastifyInstance
  let brokerUrl: string
  let standIn: HerokuStandIn
  let aws: Stub

  before(async () => {
    const logger = createLogger(
      'warn',
      new Writable({
        write(chunk, _encoding, done) {
          logs.push(String(chunk))
          done()
        },
      }),
    )
    // A fresh, migrated database, on TEST_DATABASE_URL's server or an embedded PostgreSQL.
    await startTestPostgres()
    stops.push(() => stopTestPostgres())
    const databaseUrl = await createTestDatabase()

    aws = await startStub()
    stops.push(() => aws.close())
    standIn = await startHerokuStandIn({
      identity: {service: 'byo-s3', prefix: 'BYO_S3', team: DEFAULT_TEAM},
      clientSecret: 'conformance-oauth-client-secret',
    })
    stops.push(() => standIn.close())

    const config = loadConfig({
      NODE_ENV: 'test',
      ADDON_PASSWORD: 'conformance-partner-password-0123456789',
      SSO_SALT: 'conformance-sso-salt-0123456789abcdef',
      OAUTH_CLIENT_SECRET: 'conformance-oauth-client-secret',
      FERNET_KEYS: generateKey(),
      HEROKU_API_URL: standIn.url,
      HEROKU_ID_URL: standIn.url,
      AWS_ENDPOINT_URL_S3: aws.url,
      AWS_ENDPOINT_URL_IAM: aws.url,
      AWS_ENDPOINT_URL_STS: aws.url,
      S3_FORCE_PATH_STYLE: 'true',
      LOG_LEVEL: 'warn',
    })
    broker = await buildApp({
      config,
      databaseUrl,
      logger,
      workers: true,
      pollingIntervalSeconds: 0.5,
      overrides: {readiness: {sleep: async () => {}, initialDelayMs: 0}},
    })
    stops.push(() => broker.close())
    await broker.listen({port: 0, host: '127.0.0.1'})
    brokerUrl = `http://127.0.0.1:${(broker.server.address() as {port: number}).port}`

    await saveTeamLink(broker.services.pool, {
      teamId: DEFAULT_TEAM.id,
      teamName: DEFAULT_TEAM.name,
      awsAccountId: '111122223333',
      kind: 'keys',
      roleArn: null,
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKeySealed: config.keyRing.seal('conformance-linked-secret-access-key-0123'),
      linkedById: randomUUID(),
      linkedByEmail: 'admin@conformance.example',
    })
  })

  after(async () => {
    for (let stop = stops.pop(); stop; stop = stops.pop()) await stop()
  })

  it('passes every check of the checklist', async function () {
    this.timeout(120_000)
    const lines: string[] = []
    const {config} = broker.services
    const report = await runConformance(
      {
        manifest: JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest,
        baseUrl: `${brokerUrl}/heroku/resources`,
        ssoUrl: `${brokerUrl}/sso/login`,
        password: config.addonPassword,
        ssoSalt: config.ssoSalt,
        plan: 'standard',
        otherPlan: 'versioned',
        timeoutSeconds: 60,
        requiresTeam: true,
        addonSsoUrl: `${brokerUrl}/addons/{id}/credentials`,
      },
      standIn,
      (line) => lines.push(line),
    )

    const failures = lines.filter((line) => line.startsWith('✗'))
    expect(failures, `${lines.join('\n')}\n\nbroker log:\n${logs.join('')}`).to.deep.equal([])
    expect(report.skipped, lines.join('\n')).to.equal(0)
    expect(report.passed).to.equal(46)
    // The run reached AWS: the add-on was provisioned for real, not just answered.
    expect(aws.calls().map(({operation}) => operation)).to.include('s3:CreateBucket')
  })
})
