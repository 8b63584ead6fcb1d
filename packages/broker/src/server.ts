import {fileURLToPath} from 'node:url'
import closeWithGrace from 'close-with-grace'
import {buildApp} from './app.js'
import {ConfigError, loadConfig} from './config/config.js'
import {localSecretsIn} from './config/local-secrets.js'
import {createLogger} from './logger.js'
import {startEmbeddedPostgres, type RunningDatabase} from './storage/embedded-postgres.js'
import {migrate} from './storage/migrate.js'

// packages/broker/{src,dist}/server.* → the repository's .data/ folder.
const dataDir =
  process.env.BYO_S3_DATA_DIR ?? fileURLToPath(new URL('../../../.data', import.meta.url))

type Role = 'web' | 'worker' | 'all' | 'release'

/**
 * `server.js web` serves HTTP, `server.js worker` works the job queues, and with no argument one
 * process does both (what `npm start` runs). Several of each may run against one database.
 * `server.js release` migrates the database and exits: Heroku's release phase, run before new
 * dynos start (web and worker migrate too, which is then a no-op).
 */
function roleOf(argument: string | undefined): Role {
  if (argument === undefined) return 'all'
  if (argument === 'web' || argument === 'worker' || argument === 'release') return argument

  throw new Error(
    `Unknown process role "${argument}": use web, worker, release, or nothing for web and worker.`,
  )
}

async function main(): Promise<void> {
  const role = roleOf(process.argv[2])
  const config = loadConfig(
    process.env,
    localSecretsIn(dataDir, (file) =>
      console.error(
        `Generated local secrets for this broker in ${file} ` +
          '(Basic-auth password, SSO salt, OAuth client secret, Fernet key). Keep that file private.',
      ),
    ),
  )
  const logger = createLogger(config.logLevel)

  let embedded: RunningDatabase | undefined
  if (!config.databaseUrl) {
    embedded = await startEmbeddedPostgres(dataDir, logger)
  }

  const databaseUrl = config.databaseUrl ?? embedded!.url
  if (role === 'release') {
    try {
      await migrate(databaseUrl, logger)
      logger.info('database migrated')
      return
    } finally {
      await embedded?.stop()
    }
  }

  const app = await migrate(databaseUrl, logger)
    .then(() => buildApp({config, databaseUrl, logger, workers: role !== 'web'}))
    .catch(async (error) => {
      await embedded?.stop()
      throw error
    })

  // Heroku sends SIGTERM and waits 30 s before SIGKILL: finish what is running before then.
  closeWithGrace({delay: 25_000}, async ({signal, err}) => {
    if (err) logger.error({err}, 'stopping after an error')
    else logger.info({signal}, 'stopping')
    await app.close()
    await embedded?.stop()
  })

  try {
    await app.pg.pool.query('select 1')
    if (role === 'worker') logger.info('working the job queues')
    else await app.listen({port: config.port, host: '0.0.0.0'})
  } catch (error) {
    logger.error({err: error}, 'could not start')
    await app.close()
    await embedded?.stop()
    process.exit(1)
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error)
  process.exit(1)
})
