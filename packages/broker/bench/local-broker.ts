/*
 * The broker as the CLI plugin meets it on a developer's machine: the real app listening on
 * loopback over a real PostgreSQL, with Heroku and AWS stood in by the loopback stub (stub.ts).
 * The CLI benchmark and the plugin's tests run the real Heroku CLI against it, as USER.
 *
 * It starts with bench-team linked to AWS and holding one provisioned add-on on bench-shop, made
 * through the Partner API and the provisioning job like any other; bench-labs and bench-viewers
 * are not linked. With workers, it runs its job queues as `npm start` does, so that a credential
 * rotation runs to its overlap; the CLI benchmark leaves them off, to time commands alone.
 */
import {randomUUID} from 'node:crypto'
import {chmodSync, mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import type {FastifyInstance} from 'fastify'
import pg from 'pg'
import type {Logger} from 'pino'
import {buildApp} from '../src/app.js'
import {type Config, loadConfig} from '../src/config/config.js'
import {generateKey} from '../src/crypto/fernet-token.js'
import {createLogger} from '../src/logger.js'
import {runProvisionJob} from '../src/provisioning/provision-job.js'
import {startEmbeddedPostgres} from '../src/storage/embedded-postgres.js'
import {migrate} from '../src/storage/migrate.js'
import {saveTeamLink} from '../src/storage/team-links.js'
import {
  ACCOUNT_ID,
  APP,
  basicAuth,
  LINKED_CREDENTIALS,
  provisionBody,
  SSO_SALT,
  TEAM,
  USER,
} from './fixtures.js'
import {type Stub, startStub} from './stub.js'

export {ACCOUNT_ID, APP, PLAIN_APP, TEAM, USER, USER_TEAMS} from './fixtures.js'

// The SDK's notice that Node 20 support is ending says nothing about a local run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

export interface LocalBroker {
  /** Where the broker listens: the value for BYO_S3_BROKER_URL. */
  url: string
  app: FastifyInstance
  stub: Stub
  /** bench-shop's byo-s3 add-on. */
  addon: {id: string; name: string}
  /** Which PostgreSQL it runs on, in words. */
  database: string
  /** Stops the broker, the stub and the embedded PostgreSQL, if one was started. */
  close(): Promise<void>
}

/**
 * Starts the broker on `databaseUrl`, which it migrates, or on an embedded PostgreSQL in a
 * temporary folder when none is given. Its warnings and errors go to stderr.
 */
export async function startLocalBroker(
  databaseUrl?: string,
  {workers = false}: {workers?: boolean} = {},
): Promise<LocalBroker> {
  const logger = createLogger('warn', process.stderr)
  const stops: (() => Promise<void> | void)[] = []
  const close = async () => {
    const failures: unknown[] = []
    for (let stop = stops.pop(); stop; stop = stops.pop()) {
      try {
        await stop()
      } catch (error) {
        failures.push(error)
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, 'The local broker did not stop')
  }

  try {
    const database = databaseUrl
      ? {url: databaseUrl, label: 'the given database'}
      : await embeddedDatabase(logger, stops)
    await migrate(database.url, logger)

    const stub = await startStub()
    stops.push(() => stub.close())

    const app = await buildApp({
      config: brokerConfig(stub.url),
      databaseUrl: database.url,
      logger,
      workers,
      // pg-boss's shortest interval, so that a queued job starts within half a second.
      pollingIntervalSeconds: 0.5,
      // The readiness probe must not wait: the stub accepts a new key at once.
      overrides: {readiness: {sleep: async () => {}, initialDelayMs: 0}},
    })
    stops.push(async () => {
      await app.close()
      await untilDisconnected(database.url)
    })
    await app.listen({port: 0, host: '127.0.0.1'})
    const {port} = app.server.address() as {port: number}

    await linkBenchTeam(app)
    const addon = await provisionAddon(app, stub)
    const version = await app.services.pool.query<{version: string}>(
      `select current_setting('server_version') as version`,
    )
    return {
      url: `http://127.0.0.1:${port}`,
      app,
      stub,
      addon,
      database: `PostgreSQL ${version.rows[0].version} (${database.label})`,
      close,
    }
  } catch (error) {
    await close().catch(() => {})
    throw error
  }
}

/** The broker's settings for a run against the stub at `stubUrl`. */
export function brokerConfig(stubUrl: string): Config {
  return loadConfig(brokerEnv(stubUrl))
}

/**
 * The same settings as environment variables, for a broker process of its own; each call makes
 * a new Fernet key, so processes that share a database must share one result.
 */
export function brokerEnv(stubUrl: string): Record<string, string> {
  return {
    NODE_ENV: 'bench',
    ADDON_PASSWORD: 'bench-partner-password-0123456789',
    SSO_SALT,
    OAUTH_CLIENT_SECRET: 'bench-oauth-client-secret',
    FERNET_KEYS: generateKey(),
    HEROKU_API_URL: stubUrl,
    HEROKU_ID_URL: stubUrl,
    AWS_ENDPOINT_URL_S3: stubUrl,
    AWS_ENDPOINT_URL_IAM: stubUrl,
    AWS_ENDPOINT_URL_STS: stubUrl,
    S3_FORCE_PATH_STYLE: 'true',
    LOG_LEVEL: 'warn',
  }
}

/** bench-team's link, written straight to the database instead of through the admin API. */
export async function linkBenchTeam(app: FastifyInstance): Promise<void> {
  await saveTeamLink(app.services.pool, {
    teamId: TEAM.id,
    teamName: TEAM.name,
    awsAccountId: ACCOUNT_ID,
    kind: 'keys',
    roleArn: null,
    accessKeyId: LINKED_CREDENTIALS.accessKeyId,
    secretAccessKeySealed: app.services.config.keyRing.seal(LINKED_CREDENTIALS.secretAccessKey),
    linkedById: randomUUID(),
    linkedByEmail: USER.account.email,
  })
}

/** Heroku asks for an add-on of bench-shop (an app of bench-team), and its job runs at once. */
async function provisionAddon(app: FastifyInstance, stub: Stub) {
  const {config} = app.services
  const body = provisionBody(stub.url)
  stub.addAddon({id: body.uuid, name: body.name, app: APP})
  const response = await app.inject({
    method: 'POST',
    url: '/heroku/resources',
    headers: {
      authorization: basicAuth(config.addonId, config.addonPassword),
      accept: 'application/vnd.heroku-addons+json; version=3',
    },
    payload: body,
  })
  if (response.statusCode !== 202) {
    throw new Error(`The provision request got ${response.statusCode}: ${response.body}`)
  }

  await runProvisionJob(app.services, body.uuid, app.log)
  const {rows} = await app.services.pool.query<{state: string}>(
    'select state from resources where id = $1',
    [body.uuid],
  )
  if (rows[0]?.state !== 'provisioned') {
    throw new Error(`The provisioning job left the add-on ${rows[0]?.state ?? 'missing'}`)
  }

  return {id: body.uuid, name: body.name}
}

async function embeddedDatabase(logger: Logger, stops: (() => Promise<void> | void)[]) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'byo-s3-local-broker-'))
  stops.push(() => rmSync(dir, {recursive: true, force: true}))
  // As root, PostgreSQL runs as an unprivileged user, which must be able to enter this folder.
  chmodSync(dir, 0o755)
  const embedded = await startEmbeddedPostgres(dir, logger)
  stops.push(() => embedded.stop())

  return {url: embedded.url, label: 'embedded, in a temporary folder'}
}

/**
 * pg's pool.end() resolves before its clients have disconnected, and a PostgreSQL stopped at that
 * moment cuts them off, which the broker logs as failures. Waits, for two seconds at most, until
 * no other session is connected to the database.
 */
async function untilDisconnected(databaseUrl: string): Promise<void> {
  const client = new pg.Client({connectionString: databaseUrl})
  await client.connect()
  try {
    const deadline = Date.now() + 2000
    while (Date.now() < deadline) {
      const {rows} = await client.query<{others: number}>(
        `select count(*)::int as others from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid()`,
      )
      if (rows[0].others === 0) return

      await sleep(20)
    }
  } finally {
    await client.end()
  }
}
