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

async function main(): Promise<void> {
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
  const app = await buildApp({config, databaseUrl, logger}).catch(async (error) => {
    await embedded?.stop()
    throw error
  })

  closeWithGrace({delay: 10_000}, async ({signal, err}) => {
    if (err) logger.error({err}, 'stopping after an error')
    else logger.info({signal}, 'stopping')
    await app.close()
    await embedded?.stop()
  })

  try {
    await migrate(databaseUrl, logger)
    await app.pg.pool.query('select 1')
    await app.listen({port: config.port, host: '0.0.0.0'})
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
